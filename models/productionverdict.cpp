// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "productionverdict.h"

#include <QCoreApplication>

#include <nlohmann/json.hpp>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

using json = nlohmann::json;

json parseObject(const QByteArray &text)
{
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    return j.is_object() ? j : json::object();
}

json parseArray(const QByteArray &text)
{
    json j = json::parse(text.begin(), text.end(), nullptr, false);
    return j.is_array() ? j : json::array();
}

QString str(const json &obj, const char *key)
{
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

bool flag(const json &obj, const char *key, bool fallback = false)
{
    const auto it = obj.find(key);
    return it != obj.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

QString tr(const char *text)
{
    return QCoreApplication::translate("pingscope::ProductionVerdict", text);
}

// The error table's error_message without its exception class: "1684980", "No such docType:
// ns/dt", "#/ping_info/seq: expected type: Integer, found: String".
QString messageDetail(const ProductionError &e)
{
    const QString prefix = e.exceptionClass + u": "_s;
    if (!e.exceptionClass.isEmpty() && e.errorMessage.startsWith(prefix))
        return e.errorMessage.mid(prefix.size());
    return e.errorMessage == e.exceptionClass ? QString() : e.errorMessage;
}

// The first error's message (for verdicts without a reported error: not-json, bad-path, ...).
QString firstMessage(const QByteArray &errorsJson)
{
    const json errors = parseArray(errorsJson);
    for (const auto &e : errors)
        if (e.is_object())
            if (QString m = str(e, "message"); !m.isEmpty())
                return m;
    return {};
}

// "firefox_desktop.newtab_v1", or "telemetry.main_v5, telemetry.main_use_counter_v4".
QString tablesOf(const json &pipeline)
{
    const QString tables = str(pipeline, "tables");
    return tables.isEmpty() ? str(pipeline, "table") : tables;
}

QString stableReason(const json &pipeline)
{
    const QString note = str(pipeline, "stable_note");
    return note.contains(u"automation"_s) || note.isEmpty() ? tr("automation source tag") : note;
}

// "; the body would pass glean/glean/glean.1 once registered"
QString genericPart(const PingRecord &r, const json &pipeline)
{
    const QString schema = str(pipeline, "generic_schema");
    if (schema.isEmpty())
        return {};
    if (flag(pipeline, "generic_valid"))
        return tr("; the body would pass %1 once registered").arg(schema);
    int n = 0;
    for (const auto &e : parseArray(r.errorsJson))
        n += e.is_object() && flag(e, "generic");
    return tr("; the body fails %1 too (%2 error(s), listed for information)").arg(schema).arg(n);
}

QString capitalVerdict(const QString &v)
{
    if (v == QStringView(verdict::NotJson))
        return tr("Not JSON");
    if (v == QStringView(verdict::BadEncoding))
        return tr("Bad encoding");
    if (v == QStringView(verdict::BadPath))
        return tr("Bad path");
    if (v == QStringView(verdict::NoSchema))
        return tr("No schema");
    if (v.isEmpty())
        return v;
    return v.left(1).toUpper() + v.mid(1);
}

} // namespace

ProductionError reportedError(const QByteArray &errorsJson)
{
    ProductionError out;
    for (const auto &e : parseArray(errorsJson)) {
        if (!e.is_object() || !flag(e, "reported"))
            continue;
        out.found = true;
        out.kind = str(e, "kind");
        out.errorType = str(e, "error_type");
        out.exceptionClass = str(e, "exception_class");
        out.errorMessage = str(e, "error_message");
        out.message = str(e, "message");
        break;
    }
    return out;
}

QString shortExceptionName(const QString &exceptionClass)
{
    QString s = exceptionClass.mid(exceptionClass.lastIndexOf(u'.') + 1);
    if (const qsizetype dollar = s.indexOf(u'$'); dollar > 0)
        s.truncate(dollar);
    return s;
}

QString shortTableName(const QString &table)
{
    return table.startsWith(u"moz-fx-data-shared-prod."_s) ? table.mid(24) : table;
}

ProductionOutcome productionOutcome(const PingRecord &r)
{
    const json p = parseObject(r.pipelineJson);
    const ProductionError e = reportedError(r.errorsJson);
    const QString &v = r.verdict;
    ProductionOutcome o;
    if (v == QStringView(verdict::Valid)) {
        const QString tables = tablesOf(p);
        o.summary = tr("Kept: %1").arg(tables.isEmpty() ? tr("the registry names no table") : tables);
        if (flag(p, "stable_tables", true)) {
            o.detail = tr("live and stable tables");
            o.sentence = o.summary + u" ("_s + o.detail + u')';
        } else {
            o.detail = tr("live table only. Not in the stable tables: %1").arg(stableReason(p));
            o.sentence = o.summary + u", "_s + o.detail;
        }
        return o;
    }
    if (v == QStringView(verdict::Unregistered)) {
        QString why = messageDetail(e);
        if (why.isEmpty())
            why = tr("No such docType: %1/%2").arg(r.ns, r.docType);
        o.summary = tr("Unregistered: %1").arg(why);
        const QString generic = genericPart(r, p);
        o.detail = generic.mid(2); // without "; "
        o.sentence = o.summary + generic;
        return o;
    }
    const auto joined = [&o] {
        o.sentence = o.detail.isEmpty() ? o.summary : o.summary + u": "_s + o.detail;
        return o;
    };
    if (v == QStringView(verdict::Dropped)) {
        o.summary = tr("Dropped by the decoder without an error row");
        o.detail = e.message.isEmpty() ? firstMessage(r.errorsJson) : e.message;
        return joined();
    }
    if (v == QStringView(verdict::Refused)) {
        o.summary = tr("Not accepted: the edge answered %1").arg(r.statusCode);
        o.detail = firstMessage(r.errorsJson);
        return joined();
    }
    if (v == QStringView(verdict::NoSchema)) {
        o.summary = tr("Not checked");
        o.detail = tr("no schema for %1/%2/%3 and no production registry").arg(r.ns, r.docType, r.docVersion);
        return joined();
    }
    if (v == QStringView(verdict::Parsed)) {
        o.summary = tr("Not checked");
        o.detail = tr("validation is off");
        return joined();
    }
    if (v == QStringView(verdict::TooLarge)) {
        o.summary = tr("Not checked: too large to inspect here");
        o.detail = firstMessage(r.errorsJson);
        return joined();
    }
    // invalid, rejected, not-json, bad-encoding, bad-path: a row in the error table.
    QString table = shortTableName(str(p, "error_table"));
    if (table.isEmpty())
        table =
            r.ns == u"telemetry" ? u"payload_bytes_error.telemetry"_s : u"payload_bytes_error.structured"_s;
    o.summary = tr("Error table %1").arg(table);
    o.detail = e.errorMessage.isEmpty() ? firstMessage(r.errorsJson) : e.errorMessage;
    return joined();
}

QString productionHeadline(const PingRecord &r)
{
    const json p = parseObject(r.pipelineJson);
    const ProductionError e = reportedError(r.errorsJson);
    const QString &v = r.verdict;
    const QString name = capitalVerdict(v);
    if (v == QStringView(verdict::Valid)) {
        const QString tables = tablesOf(p);
        if (flag(p, "stable_tables", true))
            return tr("Valid: production keeps it in %1 (live and stable tables)").arg(tables);
        return tr("Valid: production keeps it in %1, live table only: the %2 keeps it out of the stable "
                  "tables")
            .arg(tables, stableReason(p));
    }
    if (v == QStringView(verdict::Refused))
        return tr("Refused: the edge answered %1, nothing reaches the pipeline: %2")
            .arg(r.statusCode)
            .arg(firstMessage(r.errorsJson));
    if (v == QStringView(verdict::NoSchema))
        return tr(
            "No schema: not checked; without a production registry Pingscope cannot say what the pipeline "
            "would do");
    if (v == QStringView(verdict::Parsed))
        return tr("Parsed: JSON, not checked against a schema (validation is off)");
    if (v == QStringView(verdict::TooLarge))
        return tr("Too large to inspect here: not parsed, so what production does with it is not known: %1")
            .arg(firstMessage(r.errorsJson));
    if (!e.found) // not-json, bad-encoding, bad-path
        return tr("%1: the decoder sends it to the error table: %2").arg(name, firstMessage(r.errorsJson));

    const QString exception = shortExceptionName(e.exceptionClass);
    const QString detail = messageDetail(e);
    QString cause, why;
    if (e.kind == u"schema") {
        cause = exception;
        why = detail.isEmpty() ? e.message : detail;
    } else if (!detail.isEmpty() && !detail.contains(u' ')) { // a bug number: "1684980"
        cause = exception + u' ' + detail;
        why = e.message;
    } else {
        cause = exception;
        why = v == QStringView(verdict::Unregistered) ? detail + genericPart(r, p) : e.message;
    }
    if (v == QStringView(verdict::Dropped))
        return tr("Dropped: the decoder removes it without an error row (%1): %2").arg(cause, why);
    return tr("%1: the decoder sends it to the error table (%2): %3").arg(name, cause, why);
}

QString verdictDescription(QStringView v)
{
    if (v == QStringView(verdict::Valid))
        return tr(
            "valid: passes its schema and every decoder rule; kept in the live table, and the stable table "
            "unless tagged automation");
    if (v == QStringView(verdict::Invalid))
        return tr("invalid: fails its schema; the error table (ParsePayload) gets the first error");
    if (v == QStringView(verdict::Unregistered))
        return tr(
            "unregistered: the production registry has no such namespace/docType (\"No such docType\"); "
            "error table");
    if (v == QStringView(verdict::Rejected))
        return tr(
            "rejected: sent to the error table for a reason other than its schema (scrubber rule, 8 MiB "
            "limit, deprecation)");
    if (v == QStringView(verdict::Dropped))
        return tr("dropped: removed by the decoder without an error row; gone without trace");
    if (v == QStringView(verdict::NoSchema))
        return tr("no-schema: no production registry and no schema for it; not checked");
    if (v == QStringView(verdict::NotJson))
        return tr("not-json: the body is not JSON; error table");
    if (v == QStringView(verdict::BadEncoding))
        return tr("bad-encoding: corrupt or oversized gzip, or invalid UTF-8; error table");
    if (v == QStringView(verdict::BadPath))
        return tr("bad-path: a /submit/ URL the decoder drops (ParseUri); error table");
    if (v == QStringView(verdict::Refused))
        return tr("refused: the endpoint refused the request (4xx); nothing reaches the pipeline");
    if (v == QStringView(verdict::Parsed))
        return tr("parsed: JSON, not checked against a schema (validation off)");
    if (v == QStringView(verdict::TooLarge))
        return tr("too-large: parsing it would take more memory than --memory-budget allows; kept raw, not "
                  "checked, counted as a problem");
    return {};
}

QStringList allVerdicts()
{
    QStringList out;
    for (const char16_t *v : {verdict::Valid, verdict::Invalid, verdict::Unregistered, verdict::Rejected,
                              verdict::Dropped, verdict::NoSchema, verdict::NotJson, verdict::BadEncoding,
                              verdict::BadPath, verdict::TooLarge, verdict::Refused, verdict::Parsed})
        out << QString::fromUtf16(v);
    return out;
}

QString verdictLegend()
{
    QStringList lines;
    for (const QString &v : allVerdicts())
        lines << u"• "_s + verdictDescription(v);
    return lines.join(u'\n');
}

} // namespace pingscope
