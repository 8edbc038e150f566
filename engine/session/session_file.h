#pragma once
// The `.attnscope` session file: the window's whole state (inputs, parameters, stage, selection,
// view) as UTF-8 JSON, versioned and validated strictly on read. docs/session-format.md is the
// specification; this header is its reader and writer. QtCore only.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attention.h"
#include "result.h"

namespace attnscope {

/// The `"format"` tag of every session file.
inline constexpr const char *kSessionFormatTag = "attnscope-session";
/// The version this build writes; it reads this one and every older one.
inline constexpr int kSessionFormatVersion = 1;
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

/// Everything the window restores, as engine-level values. Invariants after decodeSession():
/// dModel, dHead, heads ≥ 1; 0 ≤ head < heads; temperature > 0 and finite; customScale finite;
/// paddedKeys ≥ 0; selections ≥ -1 (-1: none); tab ≥ 0; zoom ranges finite with lower < upper;
/// every input's role is "" or a known secondary role, each secondary role at most once and only
/// with the bundle kind; a kind other than text has at least one primary input.
struct SessionState {
    enum class InputKind { Text, Files, Bundle, Image };
    enum class MaskMode { None, Causal, Padding };
    enum class Reduction { Max, Mean };
    struct Range {
        double lower = 0, upper = 1;
        bool operator==(const Range &) const = default;
    };

    int version = kSessionFormatVersion; ///< the file's version when read; writing always writes ours
    std::string sessionPath;             ///< where it was read from; not stored in the file

    // Input
    InputKind inputKind = InputKind::Text;
    std::string text;    ///< the typed sentence (UTF-8)
    std::string context; ///< the keys' sentence for cross-attention
    bool cross = false;
    int bundleLayer = -1;             ///< a bundle's layer (-1: the last)
    std::vector<SessionInput> inputs; ///< empty for typed text

    // Explorer parameters
    int dModel = 64;
    int dHead = 16;
    int heads = 2;
    int head = 0;
    std::uint64_t seed = 1;
    ScaleSpec::Mode scaleMode = ScaleSpec::Mode::Sqrt;
    double customScale = 1.0;
    double temperature = 1.0;
    MaskMode maskMode = MaskMode::None;
    std::vector<int> paddedKeys;

    // View
    Stage stage = Stage::Weights;
    int selectedQuery = -1;
    int selectedRow = -1, selectedCol = -1;
    std::string colormap = "viridis"; ///< checked by the window, which knows the maps
    Reduction reduction = Reduction::Max;
    int tab = 0;
    std::optional<Range> zoomX, zoomY; ///< the main heatmap's axes; unset: fit the matrix
    /// Settings of the other tabs, opaque to the format (a page owns its keys, e.g. "image.alpha").
    std::map<std::string, std::string> pageSettings;

    bool operator==(const SessionState &) const = default;
};

/// "weights" for Stage::Weights, and so on (inputs, qkv, scores, scaled, masked, weights, output).
const char *stageKey(Stage stage);
std::optional<Stage> stageFromKey(const std::string &key);

/// The JSON text of `state` (UTF-8, indented), always with the current version.
std::vector<std::byte> encodeSession(const SessionState &state);

/// Parses and validates a session. `sessionPath` names the file in messages and becomes
/// `sessionPath` of the result. Refuses: not JSON, a wrong tag, a newer version, a missing or
/// ill-typed field, a value out of range, embedded data that is not base64 or not a valid .npy;
/// the message names the file and the field ("input.files[1].embedded.data"). A file whose role
/// this version does not know (from a later release) is left out of `inputs` without a word.
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
