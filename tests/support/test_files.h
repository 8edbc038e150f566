#pragma once
// Whole-file reads and writes for the tests' own use (fixtures, expected bytes, corrupted copies).

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstddef>
#include <vector>

namespace attnscope::test {

/// The file's bytes; empty when it cannot be read.
inline QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Writes `bytes` to `path`, creating its folder first; whether all of them were written.
inline bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return QDir().mkpath(QFileInfo(path).path()) && f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// Writes `bytes` to `name` inside `dir` and returns its path; stops the test (qFatal) on failure.
inline QString writeInDir(const QDir &dir, const QString &name, const QByteArray &bytes)
{
    const QString path = dir.filePath(name);
    if (!writeBytes(path, bytes))
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

/// The JSON object in the file at `path`; stops the test (qFatal) when it cannot be read. Qt 6.4's
/// parser drops a raw U+FEFF that starts a string, so such BOMs are read as their escape.
inline QJsonObject jsonObjectFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll().replace("\xEF\xBB\xBF", "\\ufeff")).object();
}

/// The same bytes as Qt and as the engine hold them.
inline QByteArray qbytes(const std::vector<std::byte> &b)
{
    return QByteArray(reinterpret_cast<const char *>(b.data()), qsizetype(b.size()));
}
inline std::vector<std::byte> vbytes(const QByteArray &b)
{
    const auto *p = reinterpret_cast<const std::byte *>(b.constData());
    return std::vector<std::byte>(p, p + b.size());
}

} // namespace attnscope::test
