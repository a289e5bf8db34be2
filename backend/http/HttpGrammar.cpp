#include "backend/http/HttpGrammar.h"

#include <algorithm>
#include <string_view>

namespace shardscope::httpgrammar {

bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(const QByteArray &s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTchar);
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool isQuotedChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

bool isChunkExtensions(QByteArrayView s)
{
    qsizetype i = 0;
    const auto skipBws = [&] {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
    };
    const auto token = [&] {
        const qsizetype from = i;
        while (i < s.size() && isTchar(s[i]))
            ++i;
        return i > from;
    };
    const auto quoted = [&] {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '"') {
                ++i;
                return true;
            }
            if (s[i] == '\\' && ++i == s.size())
                return false;
            if (!isQuotedChar(s[i]))
                return false;
        }
        return false;
    };
    while (i < s.size()) {
        skipBws();
        if (i == s.size() || s[i] != ';')
            return false;
        ++i;
        skipBws();
        if (!token())
            return false;
        const qsizetype afterName = i;
        skipBws();
        if (i < s.size() && s[i] == '=') {
            ++i;
            skipBws();
            if (!(i < s.size() && s[i] == '"' ? quoted() : token()))
                return false;
        } else {
            i = afterName;
        }
    }
    return true;
}

bool isTargetChar(char c)
{
    return c > 0x20 && c < 0x7f;
}

bool isValueChar(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

bool isDigits(const QByteArray &s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

QByteArray trimOws(const QByteArray &s)
{
    qsizetype b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t'))
        ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        --e;
    return s.mid(b, e - b);
}

QList<QByteArray> listItems(const QByteArray &value)
{
    QList<QByteArray> out;
    for (const QByteArray &item : value.split(',')) {
        const QByteArray t = trimOws(item).toLower();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

bool splitLines(const QByteArray &head, QList<QByteArray> *lines)
{
    for (QByteArray line : head.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r') || line.contains('\0'))
            return false;
        lines->append(line);
    }
    return true;
}

} // namespace shardscope::httpgrammar
