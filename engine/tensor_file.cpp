#include "tensor_file.h"

#include "file_io.h"
#include "npy.h"

namespace attnscope {

Result<NamedTensor> readTensor(const std::string &spec)
{
    auto file = InputFile::open(spec);
    if (!file)
        return file.error();
    if (file->size() == 0)
        return makeError(Error::Code::BadFormat, spec + ": the file is empty");
    auto t = readNpy(spec);
    if (!t)
        return t.error();
    return NamedTensor{spec, std::move(t.value())};
}

} // namespace attnscope
