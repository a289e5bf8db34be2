#include "backend/actors/QueryActor.h"

#include "backend/actors/Graph.h"
#include "backend/types/Query.h"

namespace shardscope {

QueryActor::QueryActor(ActorSpec spec)
    : m_spec(std::move(spec))
{
}

ProcedureOutcome QueryActor::handle(const QueryRequest &request)
{
    m_scratch.deadline = request.deadline;
    return runProcedure(request.procedure, request.args, *m_spec.graph, m_scratch);
}

ActorFactory defaultActorFactory()
{
    return [](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (!spec.graph) {
            *error = QStringLiteral("no graph loaded for version %1").arg(spec.version);
            return nullptr;
        }
        return std::make_unique<QueryActor>(spec);
    };
}

} // namespace shardscope
