#include "app/ctl/CtlExit.h"

#include <QJsonObject>

#include <cstdio>

namespace shardscope {

int ctlFail(int code, const QString &message)
{
    std::fprintf(stderr, "shardscope ctl: %s\n", qPrintable(message));
    return code;
}

int ctlExitFor(const HttpSession::Reply &r)
{
    if (r.status == 0)
        return ctlFail(CtlUnreachable, r.message());
    if (r.status < 400)
        return CtlOk;
    QString message = QStringLiteral("%1: %2").arg(r.status).arg(r.message());
    if (r.status == 409 && r.json().contains(QStringLiteral("restart_id")))
        message += QStringLiteral(" (running restart %1)").arg(r.json().value(QStringLiteral("restart_id")).toVariant().toString());
    return ctlFail(r.status >= 500 ? CtlFailed : CtlRefused, message);
}

void ctlPrint(const QString &text)
{
    std::fputs(qPrintable(text), stdout);
    std::fflush(stdout);
}

} // namespace shardscope
