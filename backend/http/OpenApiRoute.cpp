#include "backend/http/OpenApiRoute.h"

#include "backend/http/HttpReply.h"
#include "backend/http/RouteTable.h"

#include <QFile>

namespace shardscope {
namespace {

// Read once: the resource is part of the binary and never changes.
const QByteArray &openApiDocument()
{
    static const QByteArray document = [] {
        QFile file(QStringLiteral(":/openapi/openapi.json"));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }();
    return document;
}

} // namespace

void addOpenApiRoute(RouteTable &routes)
{
    routes.add("GET", QStringLiteral("/v1/openapi.json"), Access::Open, [](const HttpRequest &, HttpReply &reply) {
        const QByteArray &document = openApiDocument();
        if (document.isEmpty())
            reply.sendError(500, QStringLiteral("the OpenAPI document is missing from this build"));
        else
            reply.send(200, "application/json", document);
    });
}

} // namespace shardscope
