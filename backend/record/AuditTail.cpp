#include "backend/record/AuditTail.h"

#include <QFile>
#include <QJsonDocument>

#include <deque>
#include <map>

namespace shardscope {
namespace {
const QString kOutcome = QStringLiteral("outcome");
const QString kStarted = QStringLiteral("started");

// The file's last `maxBytes`, starting at a line boundary.
bool readEnd(const QString &path, qint64 maxBytes, QByteArray *bytes, QString *error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the audit file %1: %2").arg(path, file.errorString());
        return false;
    }
    const qint64 start = std::max<qint64>(0, file.size() - maxBytes);
    if (!file.seek(start)) {
        *error = QStringLiteral("cannot read the audit file %1: %2").arg(path, file.errorString());
        return false;
    }
    *bytes = file.read(maxBytes);
    if (start > 0) {
        const qsizetype firstBreak = bytes->indexOf('\n');
        *bytes = firstBreak < 0 ? QByteArray() : bytes->mid(firstBreak + 1);
    }
    return true;
}
} // namespace

std::uint64_t operationIdOf(const QJsonObject &entry)
{
    const double id = entry.value(QStringLiteral("operation_id")).toDouble(0);
    return id >= 1 && id < 9e15 ? std::uint64_t(id) : 0;
}

bool scanOperations(const QString &path, qint64 from, std::uint64_t *highest, std::map<std::uint64_t, QJsonObject> *open,
                    QString *error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the audit file %1: %2").arg(path, file.errorString());
        return false;
    }
    if (from > 0 && !file.seek(from))
        return true; // shorter than that: nothing new
    constexpr qint64 kBlock = 1024 * 1024;
    QByteArray carry; // a line cut by the block's end
    const auto take = [&](QByteArrayView line) {
        if (!line.contains(QByteArrayView("\"operation_id\"")))
            return;
        const QJsonObject entry = QJsonDocument::fromJson(line.toByteArray()).object();
        const std::uint64_t id = operationIdOf(entry);
        if (id == 0)
            return;
        *highest = std::max(*highest, id);
        if (!open)
            return;
        if (entry.value(kOutcome).toString() == kStarted)
            (*open)[id] = entry;
        else
            open->erase(id);
    };
    while (!file.atEnd()) {
        const QByteArray block = file.read(kBlock);
        if (block.isEmpty())
            break;
        qsizetype from = 0;
        for (qsizetype nl = block.indexOf('\n'); nl >= 0; from = nl + 1, nl = block.indexOf('\n', from)) {
            if (!carry.isEmpty()) {
                carry.append(QByteArrayView(block).sliced(from, nl - from));
                take(carry);
                carry.clear();
            } else {
                take(QByteArrayView(block).sliced(from, nl - from));
            }
        }
        carry.append(QByteArrayView(block).sliced(from));
        if (carry.size() > 16 * kBlock)
            carry.clear(); // no audit line is that long: not worth holding
    }
    take(carry);
    return true;
}
bool readAuditTail(const QString &path, qint64 maxBytes, std::size_t maxEntries, AuditTail *tail, QString *error)
{
    QByteArray bytes;
    if (!readEnd(path, maxBytes, &bytes, error))
        return false;
    tail->endsWithNewline = bytes.isEmpty() || bytes.endsWith('\n');
    std::deque<QJsonObject> entries;
    std::map<std::uint64_t, std::size_t> startedAt; // operation id -> index of its "started" entry
    for (const QByteArray &line : bytes.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (!doc.isObject()) {
            ++tail->unreadableLines;
            continue;
        }
        const QJsonObject entry = doc.object();
        const std::uint64_t id = operationIdOf(entry);
        tail->lastOperationId = std::max(tail->lastOperationId, id);
        const auto started = id ? startedAt.find(id) : startedAt.end();
        if (started != startedAt.end()) {
            entries[started->second] = entry; // the outcome replaces the "started" line
            startedAt.erase(started);
            continue;
        }
        if (id && entry.value(kOutcome).toString() == kStarted)
            startedAt[id] = entries.size();
        entries.push_back(entry);
    }
    // Ids and open operations from the whole file: the tail alone would miss a "started"
    // line pushed out by later lines, and an id reused would name two operations.
    std::map<std::uint64_t, QJsonObject> open;
    std::uint64_t highest = 0;
    if (!scanOperations(path, 0, &highest, &open, error))
        return false;
    tail->lastOperationId = std::max(tail->lastOperationId, highest);
    for (const auto &[id, entry] : open)
        tail->unfinished.push_back(entry);
    const std::size_t skip = entries.size() > maxEntries ? entries.size() - maxEntries : 0;
    tail->entries.assign(entries.begin() + std::ptrdiff_t(skip), entries.end());
    return true;
}

} // namespace shardscope
