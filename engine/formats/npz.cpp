#include "npz.h"

#include <zip.h>

#include <algorithm>

#include "memory_budget.h"
#include "printable.h"

namespace attnscope {
namespace {

zip_t *asZip(void *p) { return static_cast<zip_t *>(p); }

} // namespace

void NpzArchive::Closer::operator()(void *zip) const
{
    if (zip)
        zip_discard(asZip(zip));
}

NpzArchive::NpzArchive(NpzArchive &&) noexcept = default;
NpzArchive &NpzArchive::operator=(NpzArchive &&) noexcept = default;
NpzArchive::~NpzArchive() = default;

std::string NpzArchive::where(const Member &m) const { return m_path + ":" + printableName(m.name); }

Result<NpzArchive> NpzArchive::open(const std::string &path, std::uint64_t maxMemberBytes)
{
    int code = 0;
    zip_t *zip = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
    if (!zip) {
        zip_error_t err;
        zip_error_init_with_code(&err, code);
        std::string message = path + ": not a readable .npz archive (" + zip_error_strerror(&err) + ")";
        zip_error_fini(&err);
        return makeError(code == ZIP_ER_NOENT ? Error::Code::FileNotFound : Error::Code::BadFormat, message);
    }
    return fromZip(zip, path, maxMemberBytes);
}

Result<NpzArchive> NpzArchive::openBuffer(const std::byte *data, std::size_t size, const std::string &what,
                                          std::uint64_t maxMemberBytes)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &err);
    zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err) : nullptr;
    if (!zip) {
        std::string message = what + ": not a readable .npz archive (" + zip_error_strerror(&err) + ")";
        if (src)
            zip_source_free(src);
        zip_error_fini(&err);
        return makeError(Error::Code::BadFormat, message);
    }
    zip_error_fini(&err);
    return fromZip(zip, what, maxMemberBytes);
}

Result<NpzArchive> NpzArchive::fromZip(void *handle, const std::string &path, std::uint64_t maxMemberBytes)
{
    zip_t *zip = asZip(handle);
    NpzArchive a;
    a.m_zip.reset(zip);
    a.m_path = path;
    const zip_int64_t n = zip_get_num_entries(zip, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(zip, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
            return makeError(Error::Code::BadFormat, path + ": member " + std::to_string(i) + " cannot be read: " +
                                                         zip_strerror(zip));
        Member m;
        m.entryName = st.name;
        m.index = zip_uint64_t(i);
        m.size = st.size;
        m.packedSize = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : st.size;
        m.deflated = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE;
        m.name = m.entryName;
        if (m.name.size() > 4 && m.name.compare(m.name.size() - 4, 4, ".npy") == 0)
            m.name.resize(m.name.size() - 4);
        else
            return makeError(Error::Code::BadFormat, path + ": member '" + printableName(m.entryName) + "' is not an .npy array");
        if (m.size > maxMemberBytes)
            return makeError(Error::Code::OverBudget, path + ": member '" + printableName(m.name) + "' would unpack to " +
                                                          std::to_string(m.size) + " bytes, more than the limit of " +
                                                          std::to_string(maxMemberBytes) + " (refused, not inflated)");
        auto head = a.inflate(m, std::min<std::uint64_t>(m.size, 12 + kNpyMaxHeaderBytes));
        if (!head)
            return head.error();
        auto h = parseNpyHeader(head->data(), head->size(), m.size, a.where(m), NpyAllow::Any);
        if (!h)
            return h.error();
        m.header = h.value();
        a.m_members.push_back(std::move(m));
    }
    return a;
}

const NpzArchive::Member *NpzArchive::find(const std::string &name) const
{
    for (const auto &m : m_members)
        if (m.name == name || m.entryName == name)
            return &m;
    return nullptr;
}

Result<std::vector<std::byte>> NpzArchive::inflate(const Member &m, std::uint64_t limit)
{
    zip_file_t *f = zip_fopen_index(asZip(m_zip.get()), m.index, 0);
    if (!f)
        return makeError(Error::Code::BadFormat, where(m) + ": cannot open the member: " + zip_strerror(asZip(m_zip.get())));
    std::vector<std::byte> out(static_cast<std::size_t>(limit)); // limit <= the declared size, which fits the cap
    std::uint64_t done = 0;
    while (done < limit) {
        const zip_int64_t got = zip_fread(f, out.data() + done, limit - done);
        if (got < 0) {
            std::string message = where(m) + ": corrupt member: " + zip_file_strerror(f);
            zip_fclose(f);
            return makeError(Error::Code::BadFormat, message);
        }
        if (got == 0)
            break;
        done += std::uint64_t(got);
    }
    if (done < limit) {
        zip_fclose(f);
        return makeError(Error::Code::BadFormat, where(m) + ": truncated member (" + std::to_string(done) + " of " +
                                                     std::to_string(m.size) + " bytes)");
    }
    if (limit == m.size) { // read to the end, so that libzip checks the CRC and the size
        std::byte extra;
        const zip_int64_t got = zip_fread(f, &extra, 1);
        if (got != 0) {
            std::string message = where(m) + (got < 0 ? ": corrupt member: " + std::string(zip_file_strerror(f))
                                                       : ": the member holds more data than it declares");
            zip_fclose(f);
            return makeError(Error::Code::BadFormat, message);
        }
    }
    zip_fclose(f);
    return out;
}

Result<Tensor> NpzArchive::read(const Member &m)
{
    if (!m.header.unsupported.empty())
        return makeError(Error::Code::Unsupported, where(m) + ": " + m.header.unsupported);
    if (m.header.unicodeChars)
        return makeError(Error::Code::Unsupported, where(m) + ": holds strings (a token list), not numbers");
    // The inflated member becomes the tensor's storage; Fortran order needs one more copy of the data.
    const bool reorder = m.header.fortranOrder && m.header.shape.size() > 1;
    if (auto st = reserveMemory(reorder ? satAdd(m.size, m.header.dataBytes) : m.size, where(m)); !st)
        return makeError(st.error().code, st.error().message + " (refused, not inflated)");
    auto bytes = inflate(m, m.size);
    if (!bytes)
        return bytes.error();
    return parseNpy(std::move(bytes.value()), where(m));
}

Result<std::vector<std::string>> NpzArchive::readStrings(const Member &m)
{
    if (!m.header.unsupported.empty())
        return makeError(Error::Code::Unsupported, where(m) + ": expected a list of strings (dtype <U…): " +
                                                       m.header.unsupported);
    // The member, and its strings as UTF-8 (at most 4 bytes per UTF-32 code unit, plus a string each).
    if (auto st = reserveMemory(satMul(m.size, 2), where(m)); !st)
        return makeError(st.error().code, st.error().message + " (refused, not inflated)");
    auto bytes = inflate(m, m.size);
    if (!bytes)
        return bytes.error();
    return parseNpyStrings(bytes->data(), bytes->size(), where(m));
}

} // namespace attnscope
