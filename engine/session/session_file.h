#pragma once
// The `.attnscope` session file: the window's whole state (its inputs, the page shown, the view
// options, and each page's own part) as UTF-8 JSON, versioned and validated strictly on read.
// docs/session-format.md is the specification; this header is its reader and writer. QtCore only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <QJsonObject>

#include "attention.h"
#include "result.h"

namespace attnscope {

/// The `"format"` tag of every session file.
inline constexpr const char *kSessionFormatTag = "attnscope-session";
/// The version this build writes; it reads this one and every older one (version 1 converted).
inline constexpr int kSessionFormatVersion = 2;
/// Files larger than this are refused before a byte is read.
inline constexpr std::uint64_t kSessionMaxFileBytes = 256ull << 20;
/// embedInputs() embeds the inputs only when together they are at most this large.
inline constexpr std::uint64_t kSessionEmbedLimit = 16ull << 20;

/// `SessionInput::role` of the picture a bundle's attention is shown over (the Image tab).
inline constexpr const char *kSessionRoleOverlayImage = "overlayImage";
/// `SessionInput::role` of the second input, B of the difference A − B (the Imported attention tab).
inline constexpr const char *kSessionRoleSecondInput = "secondInput";

/// One input file of the session. At least one of the paths is non-empty. `embedded`, when set,
/// holds the file's bytes so the session opens on a machine without the file.
struct SessionInput {
    enum class Encoding { Npy, Raw }; ///< Npy: validated .npy bytes; Raw: any other file, as is
    std::string name;                 ///< file name as opened ("q.npy"); role files are recognised by it
    std::string absolutePath;         ///< where it was when saved (UTF-8)
    std::string relativePath;         ///< the same, relative to the session file's folder; may be empty
    /// What the file is for: "" a primary input (the input kind's file or files), or one of the
    /// secondary roles kSessionRoleOverlayImage and kSessionRoleSecondInput.
    std::string role;
    std::optional<std::vector<std::byte>> embedded;
    Encoding encoding = Encoding::Npy; ///< meaningful only with `embedded`
    bool operator==(const SessionInput &) const = default;
};

/// Everything the window restores. Invariants after decodeSession(): `page` is not empty; every
/// input's role is "" or a known secondary role, each secondary role at most once and only with
/// the bundle kind; a kind other than text has at least one primary input. The content of each
/// page's object is not checked here: each page checks its own part (leniently, with notes).
struct SessionState {
    enum class InputKind { Text, Files, Bundle, Image, Model };
    enum class Reduction { Max, Mean };
    int version = kSessionFormatVersion; ///< the file's version when read (1 or 2); writing writes 2
    std::string sessionPath;             ///< where it was read from; not stored
    InputKind inputKind = InputKind::Text;
    std::vector<SessionInput> inputs;    ///< unchanged from version 1 (roles etc.)
    /// Kind model: the Hugging Face model folder, and the image it ran on (vit; else empty, and
    /// the sentence is the explorer page's). Folders are referred to, never embedded.
    std::string modelDir, modelImage;
    std::string page = "explorer";       ///< the page shown: "explorer", "attention", "image" or a
                                         ///< later page's key (any non-empty string)
    std::string colormap = "viridis";    ///< checked by the window
    Reduction reduction = Reduction::Max;
    /// Each page's own part, by page key: a JSON object that the page reads and checks itself
    /// (leniently, with notes). Keys of pages this version does not know are kept as they are.
    std::map<std::string, QJsonObject> pages;
    bool operator==(const SessionState &) const = default;
};

/// "weights" for Stage::Weights, and so on (inputs, qkv, scores, scaled, masked, weights, output).
const char *stageKey(Stage stage);
std::optional<Stage> stageFromKey(const std::string &key);

/// The JSON text of `state` (UTF-8, indented), always in the current version (2).
std::vector<std::byte> encodeSession(const SessionState &state);

/// Parses and validates a session. `sessionPath` names the file in messages and becomes
/// `sessionPath` of the result. Refuses: not JSON, a wrong tag, a newer version, a missing or
/// ill-typed field, a value out of range, embedded data that is not base64 or not a valid .npy,
/// a member of "pages" that is not an object; the message names the file and the field
/// ("input.files[1].embedded.data"). A file whose role this version does not know (from a later
/// release) is left out of `inputs` without a word. A version-1 file is checked with version 1's
/// rules and converted (its explorer fields become pages["explorer"], its "view.pages" keys
/// "P.X" become pages[P][X]); `version` tells which version the file was.
Result<SessionState> decodeSession(const std::vector<std::byte> &bytes, const std::string &sessionPath);

/// Writes `state` to `path` atomically (temporary file + rename): on failure the file at `path`
/// is unchanged. Relative input paths are recomputed for `path`'s folder.
Status saveSession(const SessionState &state, const std::string &path);

/// Reads and decodes `path`; files over kSessionMaxFileBytes are refused before reading.
Result<SessionState> loadSession(const std::string &path);

/// Reads every input that exists on disk and embeds it when all of them together are at most
/// `limit` bytes (.npy files are checked and embedded as Npy, others as Raw). Returns whether it
/// embedded; over the limit nothing is embedded and the session refers to the files by path.
/// A missing input is an error naming it.
Result<bool> embedInputs(SessionState &state, std::uint64_t limit = kSessionEmbedLimit);

/// Where input `i` is on disk now: its absolute path if that file exists, else its relative path
/// resolved against the session file's folder; nullopt when neither exists.
std::optional<std::string> resolveInput(const SessionState &state, std::size_t i);

/// One message per referenced input found at neither path, whether or not an embedded copy
/// exists: "<session>: the input <name> is missing (it was at <absolute path>)"; for a secondary
/// input "the overlay image <name>" or "the second input <name>" instead of "the input <name>".
std::vector<std::string> missingInputs(const SessionState &state);

/// Usable paths for every input, in order: the file on disk when resolveInput() finds it, else its
/// embedded copy written to `tempDir` under its own name — in the subfolder "<i>" (its index)
/// when another embedded input has the same name, so that neither overwrites the other and both
/// keep their names. Fails when an input is neither on disk nor embedded (with the
/// missingInputs() message) or when `tempDir` cannot be written. The caller owns `tempDir` and
/// must keep it while the window uses the paths.
Result<std::vector<std::string>> materializeInputs(const SessionState &state, const std::string &tempDir);

} // namespace attnscope
