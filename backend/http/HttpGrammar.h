#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

// The character classes and small productions of HTTP/1.1's grammar (RFC 9110, 9112) that
// the request parser checks request lines, header fields, chunk lines and trailers against.
namespace shardscope::httpgrammar {

bool isTchar(char c);
bool isToken(const QByteArray &s);
bool isHexDigit(char c);
// qdtext and quoted-pair's second byte (RFC 9110 5.6.4); obs-text allowed.
bool isQuotedChar(char c);
// What may follow a chunk size: *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
// (RFC 9112 7.1.1). Nothing else, not even trailing white space.
bool isChunkExtensions(QByteArrayView s);
bool isTargetChar(char c);
// Field values may hold visible characters, SP, HTAB and obs-text; no other controls.
bool isValueChar(char c);
bool isDigits(const QByteArray &s);
QByteArray trimOws(const QByteArray &s);
// A comma-separated header list, each item trimmed and lower-cased; empty items dropped.
QList<QByteArray> listItems(const QByteArray &value);
// Lines of a head ending in LF or CR LF; false if a CR stands anywhere else.
bool splitLines(const QByteArray &head, QList<QByteArray> *lines);

} // namespace shardscope::httpgrammar
