// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "pingoverviewmodel.h"

#include "ingest.h"
#include "payloadjson.h"
#include "productionverdict.h"

#include <QColor>
#include <QDateTime>
#include <QFont>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

constexpr quintptr kSectionId = quintptr(-1);

QString text(const ojson &v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_null())
        return u"null"_s;
    // Only shallow values reach here (fields of ping_info, client_info, application...).
    return QString::fromStdString(v.dump(-1, ' ', false, ojson::error_handler_t::replace));
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss.zzz 'UTC'"_s);
}

} // namespace

QString formatSkew(qint64 ms, qint64 referenceMs)
{
    const qint64 d = ms - referenceMs;
    const qint64 a = qAbs(d);
    const QString sign = d < 0 ? u"-"_s : u"+"_s;
    if (a < 1000)
        return sign + u"%1 ms"_s.arg(a);
    if (a < 60'000)
        return sign + u"%1 s"_s.arg(a / 1000.0, 0, 'f', 1);
    if (a < 3'600'000)
        return sign + u"%1 min %2 s"_s.arg(a / 60'000).arg((a % 60'000) / 1000);
    if (a < 86'400'000)
        return sign + u"%1 h %2 min"_s.arg(a / 3'600'000).arg((a % 3'600'000) / 60'000);
    return sign + u"%1 days"_s.arg(a / 86'400'000);
}

PingOverviewModel::PingOverviewModel(QObject *parent) : QAbstractItemModel(parent) {}

PingOverviewModel::Section PingOverviewModel::pipelineSection(const PingRecord &r)
{
    Section sec{tr("Pipeline"), {}};
    const auto parsed = nlohmann::json::parse(r.pipelineJson.begin(), r.pipelineJson.end(), nullptr, false);
    const nlohmann::json p = parsed.is_object() ? parsed : nlohmann::json::object();
    if (p.empty() && r.checkedWith.isEmpty() && !verdict::isProblem(r.verdict))
        return sec; // validation off, or no registry: nothing production-specific to say
    const auto str = [&](const char *key) {
        const auto it = p.find(key);
        if (it == p.end())
            return QString();
        return it->is_string() ? QString::fromStdString(it->get<std::string>())
                               : QString::fromStdString(it->dump());
    };
    const auto has = [&](const char *key) { return p.contains(key); };
    const bool problem = verdict::isProblem(r.verdict);
    const bool valid = r.verdict == QStringView(verdict::Valid);
    const ProductionError e = reportedError(r.errorsJson);

    const ProductionOutcome outcome = productionOutcome(r);
    Row outcomeRow{tr("Outcome"), outcome.summary, outcome.detail, false, problem};
    outcomeRow.tip = outcome.sentence;
    outcomeRow.copy = outcome.sentence;
    if (e.found && problem && r.verdict != QStringView(verdict::Dropped) &&
        r.verdict != QStringView(verdict::Unregistered) && !e.message.isEmpty())
        outcomeRow.details = e.message; // the error_message has its own row
    sec.rows.push_back(outcomeRow);
    if (e.found && !e.errorType.isEmpty())
        sec.rows.push_back(
            {u"error_type"_s, e.errorType, shortExceptionName(e.exceptionClass), false, problem});
    if (e.found && !e.errorMessage.isEmpty())
        sec.rows.push_back(
            {u"error_message"_s, e.errorMessage,
             r.verdict == QStringView(verdict::Dropped) ? tr("not written: no error row") : QString(), false,
             problem});
    if (has("error_table") && problem && r.verdict != QStringView(verdict::Dropped))
        sec.rows.push_back({tr("Error table"), str("error_table"), {}, false, true});
    if (has("tables"))
        sec.rows.push_back({tr("Tables"), str("tables"), tr("split by the doc type's split_config")});
    else if (has("table"))
        sec.rows.push_back({tr("Table"), str("table"),
                            !valid                           ? tr("if it were accepted")
                            : p.value("stable_tables", true) ? tr("live and stable tables")
                                                             : tr("live table only")});
    else if (r.verdict == QStringView(verdict::Unregistered))
        sec.rows.push_back({tr("Table"), tr("(none: not in the registry)"), {}, true});
    if (has("generic_schema"))
        sec.rows.push_back({tr("Generic schema"), str("generic_schema"),
                            p.value("generic_valid", false)
                                ? tr("the body passes it: accepted once registered")
                                : tr("the body fails it too (errors for information)"),
                            false, !p.value("generic_valid", false)});
    // The derived fields, when the ping got as far as ParsePayload (not for refused requests,
    // bodies that are not JSON, bad paths).
    const bool derived = has("submission_timestamp");
    for (const char *key : {"normalized_channel", "normalized_os", "normalized_os_version"}) {
        if (!derived)
            break;
        if (has(key)) {
            const QString v = str(key);
            sec.rows.push_back({QString::fromLatin1(key), v.isEmpty() ? tr("(empty)") : v, {}, v.isEmpty()});
        } else {
            sec.rows.push_back({QString::fromLatin1(key), tr("(not derived)"), {}, true});
        }
    }
    if (has("sample_id"))
        sec.rows.push_back(
            {u"sample_id"_s, str("sample_id"),
             has("client_id") ? tr("CRC32 of client_id %1, mod 100").arg(str("client_id")) : QString()});
    else if (derived)
        sec.rows.push_back({u"sample_id"_s, tr("(no client id)"), {}, true});
    if (has("submission_timestamp"))
        sec.rows.push_back(
            {u"submission_timestamp"_s, str("submission_timestamp"), tr("as the edge writes it (UTC)")});
    if (has("stripped"))
        sec.rows.push_back({tr("Stripped"), str("stripped").replace(u',', u", "_s),
                            tr("client-sent pipeline fields the decoder removes before validation"), false,
                            true});
    if (has("registry") || !r.checkedWith.isEmpty())
        sec.rows.push_back(
            {tr("Registry"), has("registry") ? str("registry") : r.checkedWith,
             r.checkedWith.isEmpty() ? QString() : tr("verdict checked with %1").arg(r.checkedWith)});
    return sec;
}

void PingOverviewModel::clear()
{
    beginResetModel();
    m_sections.clear();
    endResetModel();
}

void PingOverviewModel::setPing(const PingRecord &r)
{
    std::vector<Section> s;
    const qint64 receivedMs = r.receivedAtUs / 1000;

    Section req{tr("Request"), {}};
    req.rows.push_back(
        {tr("URL"), r.method + u' ' + r.path + (r.query.isEmpty() ? QString() : u'?' + r.query), {}});
    req.rows.push_back({tr("Namespace"), r.ns, {}});
    req.rows.push_back({tr("Document type"), r.docType, {}});
    req.rows.push_back({tr("Document version"), r.docVersion,
                        r.ns == u"telemetry" ? tr("from the body's \"version\"") : QString()});
    req.rows.push_back({tr("Document id"), r.docId, {}});
    if (r.ns == u"telemetry") {
        req.rows.push_back({tr("Application (URL)"), r.appName, {}});
        req.rows.push_back({tr("Version (URL)"), r.appVersion, {}});
        req.rows.push_back({tr("Channel (URL)"), r.appUpdateChannel, {}});
        req.rows.push_back({tr("Build id (URL)"), r.appBuildId, {}});
    }
    req.rows.push_back({tr("Answered"), r.statusCode > 0 ? QString::number(r.statusCode) : tr("no answer"),
                        r.fault.isEmpty() ? QString() : tr("fault rule: %1").arg(r.fault), false,
                        r.statusCode != 200});
    if (!r.source.isEmpty())
        req.rows.push_back({tr("Imported"), r.source, {}});
    Row verdictRow{tr("Verdict"), r.verdict,
                   r.errorCount ? tr("%n error(s)", nullptr, r.errorCount) : QString(), false,
                   verdict::isProblem(r.verdict)};
    verdictRow.tip = verdictDescription(r.verdict);
    req.rows.push_back(verdictRow);
    if (!r.schemaKey.isEmpty() || !r.schemaNote.isEmpty())
        req.rows.push_back({tr("Schema"), r.schemaKey, r.schemaNote});
    const auto warnings = ojson::parse(r.warningsJson.begin(), r.warningsJson.end(), nullptr, false);
    if (warnings.is_array())
        for (const auto &w : warnings)
            req.rows.push_back({tr("Warning"), QString::fromStdString(w.value("kind", std::string())),
                                QString::fromStdString(w.value("message", std::string())), false, true});
    req.rows.push_back({tr("Debug tag"), r.debugId, {}, r.debugId.isEmpty()});
    req.rows.push_back({tr("Source tags"), r.sourceTags, {}, r.sourceTags.isEmpty()});
    req.rows.push_back({tr("Agent"), r.telemetryAgent.isEmpty() ? r.userAgent : r.telemetryAgent, {}});
    req.rows.push_back({tr("Size"),
                        r.decodedBytes >= 0
                            ? tr("%1 bytes on the wire, %2 decoded").arg(r.bodyBytes).arg(r.decodedBytes)
                            : tr("%1 bytes on the wire").arg(r.bodyBytes),
                        r.contentEncoding});
    s.push_back(std::move(req));

    Section times{tr("Times"), {}};
    times.rows.push_back({tr("Received"), utc(receivedMs),
                          QDateTime::fromMSecsSinceEpoch(receivedMs).toString(u"HH:mm:ss.zzz 'local'"_s)});
    if (r.dateMs > 0)
        times.rows.push_back({tr("Date header"), r.dateHeader,
                              formatSkew(r.dateMs, receivedMs) + tr(" from received"), false,
                              qAbs(r.dateMs - receivedMs) > 5 * 60 * 1000});
    else
        times.rows.push_back({tr("Date header"), r.dateHeader.isEmpty() ? tr("(not sent)") : r.dateHeader,
                              r.dateHeader.isEmpty() ? QString() : tr("not a date"), r.dateHeader.isEmpty()});

    const ojson doc = parsePayload(r.payload);
    const bool json = doc.is_object();
    if (json) {
        if (const ojson *pi = member(doc, "ping_info")) {
            Section info{u"ping_info"_s, {}};
            info.rows.push_back({tr("ping type"), r.docType, {}});
            for (const char *key : {"seq", "start_time", "end_time", "reason"}) {
                const ojson *v = member(*pi, key);
                Row row{QString::fromLatin1(key), v ? text(*v) : tr("(not sent)"), {}, v == nullptr};
                if (v && v->is_string() &&
                    (qstrcmp(key, "start_time") == 0 || qstrcmp(key, "end_time") == 0)) {
                    const qint64 t = parseGleanDateTime(text(*v));
                    if (t > 0)
                        row.details = formatSkew(t, receivedMs) + tr(" from received");
                    times.rows.push_back({QString::fromLatin1(key), row.value, row.details});
                }
                info.rows.push_back(row);
            }
            for (auto it = pi->begin(); it != pi->end(); ++it) {
                const std::string &k = it.key();
                if (k == "seq" || k == "start_time" || k == "end_time" || k == "reason" || k == "experiments")
                    continue;
                info.rows.push_back({QString::fromStdString(k), text(*it), {}});
            }
            s.push_back(std::move(info));

            Section exps{tr("Experiments"), {}};
            if (const ojson *e = member(*pi, "experiments"); e && e->is_object()) {
                for (auto it = e->begin(); it != e->end(); ++it) {
                    const ojson *branch = member(*it, "branch");
                    const ojson *extra = member(*it, "extra");
                    QStringList extras;
                    if (extra && extra->is_object())
                        for (auto x = extra->begin(); x != extra->end(); ++x)
                            extras << QString::fromStdString(x.key()) + u'=' + text(*x);
                    exps.rows.push_back({QString::fromStdString(it.key()), branch ? text(*branch) : QString(),
                                         extras.join(u", "_s)});
                }
            }
            if (exps.rows.empty())
                exps.rows.push_back({tr("(none)"), {}, {}, true});
            s.push_back(std::move(exps));
        }
        if (const ojson *ci = member(doc, "client_info")) {
            Section client{u"client_info"_s, {}};
            // Glean's client_info fields; the optional ones are listed when absent.
            static const char *const known[] = {"client_id",
                                                "telemetry_sdk_build",
                                                "first_run_date",
                                                "app_build",
                                                "app_display_version",
                                                "app_channel",
                                                "architecture",
                                                "os",
                                                "os_version",
                                                "locale",
                                                "build_date",
                                                "device_manufacturer",
                                                "device_model",
                                                "android_sdk_version",
                                                "windows_build_number",
                                                "session_id",
                                                "session_count",
                                                "attribution",
                                                "distribution"};
            for (const char *key : known) {
                const ojson *v = member(*ci, key);
                client.rows.push_back(
                    {QString::fromLatin1(key), v ? text(*v) : tr("(not sent)"), {}, v == nullptr});
            }
            for (auto it = ci->begin(); it != ci->end(); ++it) {
                if (std::find_if(std::begin(known), std::end(known),
                                 [&](const char *k) { return it.key() == k; }) == std::end(known))
                    client.rows.push_back(
                        {QString::fromStdString(it.key()), text(*it), tr("not a standard field")});
            }
            s.push_back(std::move(client));
        }
        if (r.ns == u"telemetry") {
            // Legacy Firefox Telemetry: the equivalents of client_info and ping_info.
            Section app{tr("Application"), {}};
            app.rows.push_back({u"type"_s, member(doc, "type") ? text(*member(doc, "type")) : QString(), {}});
            app.rows.push_back({u"clientId"_s, r.clientId, {}, r.clientId.isEmpty()});
            if (const ojson *c = member(doc, "creationDate"); c && c->is_string()) {
                const qint64 t = parseGleanDateTime(text(*c));
                app.rows.push_back({u"creationDate"_s, text(*c),
                                    t > 0 ? formatSkew(t, receivedMs) + tr(" from received") : QString()});
                times.rows.push_back({u"creationDate"_s, text(*c),
                                      t > 0 ? formatSkew(t, receivedMs) + tr(" from received") : QString()});
            }
            if (const ojson *a = member(doc, "application"); a && a->is_object())
                for (auto it = a->begin(); it != a->end(); ++it)
                    if (!it->is_structured())
                        app.rows.push_back(
                            {u"application."_s + QString::fromStdString(it.key()), text(*it), {}});
            s.push_back(std::move(app));
            if (const ojson *env = member(doc, "environment"); env && env->is_object()) {
                Section e{tr("Environment"), {}};
                auto add = [&](const char *label, std::initializer_list<const char *> path) {
                    const ojson *v = env;
                    for (const char *k : path)
                        v = v ? member(*v, k) : nullptr;
                    if (v && !v->is_structured())
                        e.rows.push_back({QString::fromLatin1(label), text(*v), {}});
                };
                add("os", {"system", "os", "name"});
                add("os version", {"system", "os", "version"});
                add("locale", {"settings", "locale"});
                add("architecture", {"build", "architecture"});
                add("build id", {"build", "buildId"});
                add("update channel", {"settings", "update", "channel"});
                add("profile created (days)", {"profile", "creationDate"});
                add("memory (MB)", {"system", "memoryMB"});
                add("default browser", {"settings", "isDefaultBrowser"});
                add("telemetry enabled", {"settings", "telemetryEnabled"});
                if (!e.rows.empty())
                    s.push_back(std::move(e));
            }
        }
    }
    s.insert(s.begin() + 1, std::move(times));
    // What production does with it comes first: the question the user came with.
    if (Section pipeline = pipelineSection(r); !pipeline.rows.empty())
        s.insert(s.begin(), std::move(pipeline));

    beginResetModel();
    m_sections = std::move(s);
    endResetModel();
}

QModelIndex PingOverviewModel::index(int row, int column, const QModelIndex &parent) const
{
    if (column < 0 || column >= ColumnCount || row < 0)
        return {};
    if (!parent.isValid())
        return row < int(m_sections.size()) ? createIndex(row, column, kSectionId) : QModelIndex();
    if (parent.internalId() != kSectionId || parent.column() != 0)
        return {};
    const auto &sec = m_sections[size_t(parent.row())];
    return row < int(sec.rows.size()) ? createIndex(row, column, quintptr(parent.row())) : QModelIndex();
}

QModelIndex PingOverviewModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kSectionId)
        return {};
    return createIndex(int(child.internalId()), 0, kSectionId);
}

int PingOverviewModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_sections.size());
    if (parent.internalId() == kSectionId && parent.column() == 0)
        return int(m_sections[size_t(parent.row())].rows.size());
    return 0;
}

int PingOverviewModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant PingOverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (index.internalId() == kSectionId) {
        const auto &sec = m_sections[size_t(index.row())];
        if (role == Qt::DisplayRole && index.column() == Field)
            return sec.title;
        if (role == Qt::FontRole) {
            QFont f;
            f.setBold(true);
            return f;
        }
        if (role == SectionRole)
            return true;
        return {};
    }
    const Row &r = m_sections[size_t(index.internalId())].rows[size_t(index.row())];
    switch (role) {
    case Qt::ToolTipRole:
        if (index.column() == Value && !r.tip.isEmpty())
            return r.tip;
        [[fallthrough]];
    case Qt::DisplayRole:
        return index.column() == Field ? r.field : index.column() == Value ? r.value : r.details;
    case AbsentRole:
        return r.absent;
    case WarnRole:
        return r.warn;
    case Qt::ForegroundRole:
        if (r.warn)
            return QColor(0xc0, 0x1c, 0x28);
        if (r.absent)
            return QColor(0x80, 0x80, 0x80);
        return {};
    case Qt::FontRole:
        if (r.absent) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    default:
        return {};
    }
}

QVariant PingOverviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Field:
        return tr("Field");
    case Value:
        return tr("Value");
    case Details:
        return tr("Details");
    }
    return {};
}

const PingOverviewModel::Row *PingOverviewModel::find(const QString &section, const QString &field) const
{
    for (const auto &s : m_sections)
        if (s.title == section)
            for (const auto &r : s.rows)
                if (r.field == field)
                    return &r;
    return nullptr;
}

QString PingOverviewModel::value(const QString &section, const QString &field) const
{
    const Row *r = find(section, field);
    return r ? r->value : QString();
}

QString PingOverviewModel::details(const QString &section, const QString &field) const
{
    const Row *r = find(section, field);
    return r ? r->details : QString();
}

bool PingOverviewModel::isAbsent(const QString &section, const QString &field) const
{
    const Row *r = find(section, field);
    return r && r->absent;
}

QString PingOverviewModel::rowText(const QModelIndex &index) const
{
    if (!index.isValid() || index.internalId() == kSectionId)
        return {};
    const Row &r = m_sections[size_t(index.internalId())].rows[size_t(index.row())];
    QStringList parts{r.field, r.value, r.details};
    while (!parts.isEmpty() && parts.last().isEmpty())
        parts.removeLast();
    return parts.join(u'\t');
}

QString PingOverviewModel::copyText(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() != kSectionId) {
        const Row &r = m_sections[size_t(index.internalId())].rows[size_t(index.row())];
        return r.copy.isEmpty() ? r.value : r.copy;
    }
    const QModelIndex section = index.siblingAtColumn(0);
    QStringList lines{m_sections[size_t(index.row())].title};
    for (int i = 0; i < rowCount(section); ++i)
        lines << rowText(this->index(i, 0, section));
    return lines.join(u'\n');
}

QStringList PingOverviewModel::sections() const
{
    QStringList out;
    for (const auto &s : m_sections)
        out << s.title;
    return out;
}

} // namespace pingscope
