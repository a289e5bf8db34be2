// RestartOptions::applyJson / toJson: every field accepted, every bad value refused with a
// message naming the field, nothing changed on error, and a lossless round trip.
#include "backend/types/RestartOptions.h"
#include "backend/wire/JsonCodec.h"

#include <QJsonDocument>
#include <QTest>

using namespace shardscope;

namespace {

// QCOMPARE cannot print these enums: ADL finds shardscope::toString(), which returns a
// string_view. Compare their names instead, which also reads better on failure.
template <typename E>
QByteArray named(E e)
{
    const std::string_view sv = shardscope::toString(e);
    return QByteArray(sv.data(), qsizetype(sv.size()));
}
#define COMPARE_NAMED(actual, expected) QCOMPARE(named(actual), named(expected))

QJsonObject json(const char *text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text), &error);
    if (!doc.isObject())
        qFatal("bad JSON in test table: %s (%s)", text, qPrintable(error.errorString()));
    return doc.object();
}

QByteArray compact(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

// Options where every field differs from the defaults, to see that nothing is reset.
RestartOptions unusual()
{
    RestartOptions o;
    o.mode = RestartMode::Legacy;
    o.admission = AdmissionPolicy::Reject;
    o.drainPolicy = DrainTimeoutPolicy::Force;
    o.prepareTimeoutMs = 111;
    o.drainTimeoutMs = 222;
    o.restartTimeoutPerShardMs = 333;
    o.verifyTimeoutMs = 444;
    o.holdDeadlineMs = 555;
    o.holdCapacity = 666;
    return o;
}

} // namespace

class RestartOptionsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultsFollowTheDesign();
    void applyJsonAcceptsEachField_data();
    void applyJsonAcceptsEachField();
    void applyJsonRefusesABadValueNamingTheFieldAndChangesNothing_data();
    void applyJsonRefusesABadValueNamingTheFieldAndChangesNothing();
    void anEmptyObjectChangesNothing();
    void aTargetVersionIsReadAndWrittenBack();
    void toJsonRoundTripsThroughApplyJson_data();
    void toJsonRoundTripsThroughApplyJson();
    void aRemoteClientReadsANewerServicesDefaultsKeyByKey();
    void everySettingInTheTableIsOnTheWireWithItsLimits_data();
    void everySettingInTheTableIsOnTheWireWithItsLimits();
};

void RestartOptionsTest::defaultsFollowTheDesign()
{
    const RestartOptions o;
    COMPARE_NAMED(o.mode, RestartMode::Phased);
    COMPARE_NAMED(o.admission, AdmissionPolicy::Hold);
    COMPARE_NAMED(o.drainPolicy, DrainTimeoutPolicy::Abort);
    QCOMPARE(o.prepareTimeoutMs, 1000);
    QCOMPARE(o.drainTimeoutMs, 10000);
    QCOMPARE(o.restartTimeoutPerShardMs, 5000);
    QCOMPARE(o.verifyTimeoutMs, 2000);
}

void RestartOptionsTest::applyJsonAcceptsEachField_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("field"); // the toJson() key that must change
    QTest::addColumn<QJsonValue>("expected");

    QTest::newRow("mode legacy") << QByteArray(R"({"mode":"legacy"})") << QByteArray("mode") << QJsonValue(QStringLiteral("legacy"));
    QTest::newRow("mode phased") << QByteArray(R"({"mode":"phased"})") << QByteArray("mode") << QJsonValue(QStringLiteral("phased"));
    QTest::newRow("admission reject") << QByteArray(R"({"admission":"reject"})") << QByteArray("admission") << QJsonValue(QStringLiteral("reject"));
    QTest::newRow("admission hold") << QByteArray(R"({"admission":"hold"})") << QByteArray("admission") << QJsonValue(QStringLiteral("hold"));
    QTest::newRow("drain policy force") << QByteArray(R"({"drain_policy":"force"})") << QByteArray("drain_policy") << QJsonValue(QStringLiteral("force"));
    QTest::newRow("drain policy abort") << QByteArray(R"({"drain_policy":"abort"})") << QByteArray("drain_policy") << QJsonValue(QStringLiteral("abort"));
    QTest::newRow("prepare timeout") << QByteArray(R"({"prepare_timeout_ms":250})") << QByteArray("prepare_timeout_ms") << QJsonValue(250);
    QTest::newRow("drain timeout zero") << QByteArray(R"({"drain_timeout_ms":0})") << QByteArray("drain_timeout_ms") << QJsonValue(0);
    QTest::newRow("drain timeout at its maximum") << QByteArray(R"({"drain_timeout_ms":600000})") << QByteArray("drain_timeout_ms") << QJsonValue(600000);
    QTest::newRow("restart timeout per shard") << QByteArray(R"({"restart_timeout_ms":1234})") << QByteArray("restart_timeout_ms") << QJsonValue(1234);
    QTest::newRow("verify timeout") << QByteArray(R"({"verify_timeout_ms":60000})") << QByteArray("verify_timeout_ms") << QJsonValue(60000);
    QTest::newRow("hold deadline") << QByteArray(R"({"hold_deadline_ms":5})") << QByteArray("hold_deadline_ms") << QJsonValue(5);
    QTest::newRow("hold capacity") << QByteArray(R"({"hold_capacity":42})") << QByteArray("hold_capacity") << QJsonValue(42);
    QTest::newRow("an integral number written with a fraction") << QByteArray(R"({"drain_timeout_ms":300.0})") << QByteArray("drain_timeout_ms") << QJsonValue(300);
}

void RestartOptionsTest::applyJsonAcceptsEachField()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, field);
    QFETCH(QJsonValue, expected);

    RestartOptions options;
    const QJsonObject before = options.toJson();
    QString error;
    QVERIFY2(options.applyJson(json(body.constData()), &error), qPrintable(error));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QJsonObject after = options.toJson();
    QCOMPARE(after.value(QLatin1String(field)), expected);
    // Every other field is as it was.
    for (auto it = before.begin(); it != before.end(); ++it) {
        if (it.key() != QLatin1String(field))
            QCOMPARE(after.value(it.key()), it.value());
    }
}

void RestartOptionsTest::applyJsonRefusesABadValueNamingTheFieldAndChangesNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("named"); // the error must contain this

    QTest::newRow("an unknown key") << QByteArray(R"({"drain_timeout":5})") << QStringLiteral("drain_timeout");
    QTest::newRow("an unknown key next to a good one") << QByteArray(R"({"mode":"phased","shards":4})") << QStringLiteral("shards");
    QTest::newRow("mode not a known name") << QByteArray(R"({"mode":"rolling"})") << QStringLiteral("mode");
    QTest::newRow("mode in upper case") << QByteArray(R"({"mode":"PHASED"})") << QStringLiteral("mode");
    QTest::newRow("mode a number") << QByteArray(R"({"mode":1})") << QStringLiteral("mode");
    QTest::newRow("admission null") << QByteArray(R"({"admission":null})") << QStringLiteral("admission");
    QTest::newRow("admission not a known name") << QByteArray(R"({"admission":"queue"})") << QStringLiteral("admission");
    QTest::newRow("drain policy a boolean") << QByteArray(R"({"drain_policy":true})") << QStringLiteral("drain_policy");
    QTest::newRow("drain policy not a known name") << QByteArray(R"({"drain_policy":"wait"})") << QStringLiteral("drain_policy");
    QTest::newRow("prepare timeout a string") << QByteArray(R"({"prepare_timeout_ms":"100"})") << QStringLiteral("prepare_timeout_ms");
    QTest::newRow("drain timeout negative") << QByteArray(R"({"drain_timeout_ms":-1})") << QStringLiteral("drain_timeout_ms");
    QTest::newRow("drain timeout above its maximum") << QByteArray(R"({"drain_timeout_ms":600001})") << QStringLiteral("drain_timeout_ms");
    QTest::newRow("drain timeout with a fraction") << QByteArray(R"({"drain_timeout_ms":1.5})") << QStringLiteral("drain_timeout_ms");
    QTest::newRow("drain timeout huge") << QByteArray(R"({"drain_timeout_ms":1e300})") << QStringLiteral("drain_timeout_ms");
    QTest::newRow("restart timeout an array") << QByteArray(R"({"restart_timeout_ms":[1]})") << QStringLiteral("restart_timeout_ms");
    QTest::newRow("verify timeout an object") << QByteArray(R"({"verify_timeout_ms":{}})") << QStringLiteral("verify_timeout_ms");
    QTest::newRow("verify timeout above its maximum") << QByteArray(R"({"verify_timeout_ms":60001})") << QStringLiteral("verify_timeout_ms");
    QTest::newRow("hold deadline null") << QByteArray(R"({"hold_deadline_ms":null})") << QStringLiteral("hold_deadline_ms");
    QTest::newRow("hold capacity negative") << QByteArray(R"({"hold_capacity":-5})") << QStringLiteral("hold_capacity");
    QTest::newRow("hold capacity above its maximum") << QByteArray(R"({"hold_capacity":1000001})") << QStringLiteral("hold_capacity");
    QTest::newRow("target version zero") << QByteArray(R"({"target_version":0})") << QStringLiteral("target_version");
    QTest::newRow("target version a string") << QByteArray(R"({"target_version":"7"})") << QStringLiteral("target_version");
    QTest::newRow("target version with a fraction") << QByteArray(R"({"target_version":2.5})") << QStringLiteral("target_version");
    QTest::newRow("target version beyond an exact JSON number") << QByteArray(R"({"target_version":1e300})") << QStringLiteral("target_version");
    QTest::newRow("good fields before a bad one are not applied either")
        << QByteArray(R"({"mode":"phased","admission":"hold","drain_timeout_ms":10,"hold_capacity":"many"})")
        << QStringLiteral("hold_capacity");
}

void RestartOptionsTest::applyJsonRefusesABadValueNamingTheFieldAndChangesNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, named);

    RestartOptions options = unusual();
    const QByteArray before = compact(options.toJson());
    QString error;
    QVERIFY(!options.applyJson(json(body.constData()), &error));
    QVERIFY2(error.contains(named), qPrintable(error));
    QCOMPARE(compact(options.toJson()), before);
}

// A cluster names one target version for every node (not a default: no option, no --help).
void RestartOptionsTest::aTargetVersionIsReadAndWrittenBack()
{
    RestartOptions options;
    QString error;
    QVERIFY2(options.applyJson(json(R"({"target_version":42,"drain_timeout_ms":5})"), &error), qPrintable(error));
    QCOMPARE(options.targetVersion, std::int64_t(42));
    QCOMPARE(options.toJson().value(QStringLiteral("target_version")).toDouble(), 42.0);
    QVERIFY(!RestartOptions().toJson().contains(QStringLiteral("target_version")));
}

void RestartOptionsTest::anEmptyObjectChangesNothing()
{
    RestartOptions options = unusual();
    const QByteArray before = compact(options.toJson());
    QString error;
    QVERIFY(options.applyJson(QJsonObject{}, &error));
    QCOMPARE(compact(options.toJson()), before);
}

void RestartOptionsTest::toJsonRoundTripsThroughApplyJson_data()
{
    QTest::addColumn<bool>("useUnusual");
    QTest::newRow("the defaults") << false;
    QTest::newRow("every field changed") << true;
}

void RestartOptionsTest::toJsonRoundTripsThroughApplyJson()
{
    QFETCH(bool, useUnusual);
    const RestartOptions source = useUnusual ? unusual() : RestartOptions{};
    // Apply onto options that differ in every field, so each value must come from the JSON.
    RestartOptions target = useUnusual ? RestartOptions{} : unusual();
    QString error;
    QVERIFY2(target.applyJson(source.toJson(), &error), qPrintable(error));
    COMPARE_NAMED(target.mode, source.mode);
    COMPARE_NAMED(target.admission, source.admission);
    COMPARE_NAMED(target.drainPolicy, source.drainPolicy);
    QCOMPARE(target.prepareTimeoutMs, source.prepareTimeoutMs);
    QCOMPARE(target.drainTimeoutMs, source.drainTimeoutMs);
    QCOMPARE(target.restartTimeoutPerShardMs, source.restartTimeoutPerShardMs);
    QCOMPARE(target.verifyTimeoutMs, source.verifyTimeoutMs);
    QCOMPARE(target.holdDeadlineMs, source.holdDeadlineMs);
    QCOMPARE(target.holdCapacity, source.holdCapacity);
    QCOMPARE(compact(target.toJson()), compact(source.toJson()));
    // toJson names exactly the keys applyJson knows: nothing extra, nothing missing.
    QCOMPARE(source.toJson().size(), 9);
}

void RestartOptionsTest::everySettingInTheTableIsOnTheWireWithItsLimits_data()
{
    QTest::addColumn<QString>("key");
    for (const RestartSetting &setting : restartSettings()) {
        const QString key = QString::fromLatin1(setting.key.data(), qsizetype(setting.key.size()));
        QTest::newRow(qPrintable(key)) << key;
    }
    QCOMPARE(restartSettings().size(), std::size_t(RestartOptions().toJson().size()));
}

void RestartOptionsTest::everySettingInTheTableIsOnTheWireWithItsLimits()
{
    QFETCH(QString, key);
    const RestartSetting *setting = findRestartSetting(key.toStdString());
    QVERIFY(setting);
    const QJsonObject defaults = RestartOptions().toJson();
    QVERIFY2(defaults.contains(key), qPrintable(key));
    RestartOptions o = unusual();
    QString error;
    if (setting->isChoice()) {
        for (const QString &choice : QString::fromLatin1(setting->choices.data(), qsizetype(setting->choices.size()))
                                         .split(QStringLiteral(", "))) {
            QVERIFY2(o.applyJson(QJsonObject{{key, choice}}, &error), qPrintable(error));
            QCOMPARE(setting->choiceOf(o), choice);
        }
        QVERIFY(!o.applyJson(QJsonObject{{key, QStringLiteral("neither")}}, &error));
        return;
    }
    QVERIFY2(o.applyJson(QJsonObject{{key, setting->max}}, &error), qPrintable(error));
    QCOMPARE(setting->valueOf(o), setting->max);
    QCOMPARE(o.toJson().value(key).toInt(), setting->max);
    QVERIFY(!o.applyJson(QJsonObject{{key, setting->max + 1}}, &error));
    QCOMPARE(error, QStringLiteral("%1 must be an integer in [0, %2]").arg(key).arg(setting->max));
    QCOMPARE(setting->valueOf(o), setting->max); // refused: nothing changed
}

void RestartOptionsTest::aRemoteClientReadsANewerServicesDefaultsKeyByKey()
{
    // An option this console does not know, and a value out of its range, must not cost
    // the options it does know.
    const RestartOptions o = restartOptionsFromJson(
        json(R"({"mode":"legacy","drain_timeout_ms":4321,"future_option":true,"verify_timeout_ms":-5})"));
    COMPARE_NAMED(o.mode, RestartMode::Legacy);
    QCOMPARE(o.drainTimeoutMs, 4321);
    QCOMPARE(o.verifyTimeoutMs, RestartOptions().verifyTimeoutMs);
}

QTEST_GUILESS_MAIN(RestartOptionsTest)
#include "tst_restart_options.moc"
