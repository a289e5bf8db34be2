#pragma once

namespace shardscope {

class RouteTable;

// GET /v1/openapi.json: the API's OpenAPI description (docs/openapi.json, compiled in as
// a Qt resource), open to anyone like the other read-only routes.
void addOpenApiRoute(RouteTable &routes);

} // namespace shardscope
