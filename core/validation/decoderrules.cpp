// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "validation/decoderrules.h"

#include "validation/registry.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

#include <nlohmann/json.hpp>

#include <zlib.h>

#include <array>
#include <utility>

using namespace Qt::StringLiterals;
using nlohmann::json;

namespace pingscope {

namespace {

constexpr char kScrubber[] = "com.mozilla.telemetry.decoder.MessageScrubber$";

DecoderFailure scrubberFailure(DecoderFailure::Kind kind, const char *exception, const QString &bug,
                               const QString &explanation, const char *errorType = "ParsePayload")
{
    DecoderFailure f;
    f.kind = kind;
    f.errorType = QString::fromLatin1(errorType);
    f.exceptionClass = QString::fromLatin1(kScrubber) + QString::fromLatin1(exception);
    f.bug = bug;
    f.explanation = explanation;
    return f;
}

DecoderFailure unwanted(const QString &bug, const QString &explanation)
{
    return scrubberFailure(DecoderFailure::Kind::Rejected, "UnwantedDataException", bug, explanation);
}

DecoderFailure dropped(const QString &bug, const QString &explanation)
{
    return scrubberFailure(DecoderFailure::Kind::Dropped, "MessageShouldBeDroppedException", bug,
                           explanation);
}

DecoderFailure affected(const QString &bug, const QString &explanation)
{
    return scrubberFailure(DecoderFailure::Kind::Rejected, "AffectedByBugException", bug, explanation);
}

// MessageScrubber.IGNORED_NAMESPACES (gcp-ingestion b0ba062): forks, rebrands and test apps whose
// pings go to the error table.
constexpr std::pair<const char *, const char *> kIgnoredNamespaces[] = {
    {"com-turkcell-yaani", "1612933"},
    {"org-mozilla-fenix-beta", "1612934"},
    {"org-mozilla-vrbrowser-dev", "1614410"},
    {"org-mozilla-fenix-performancetest", "1614412"},
    {"org-mozilla-vrbrowser-wavevr", "1614411"},
    {"org-mozilla-fogotype", "1635592"},
    {"com-pumabrowser-pumabrowser", "1637055"},
    {"org-mozilla-fenix-debug", "1614409"},
    {"com-granitamalta-cloudbrowser", "1644200"},
    {"org-mozilla-fenix-tm", "1638902"},
    {"network-novak-iceweasel", "1662737"},
    {"skipity-web-browser-ios", "1662737"},
    {"com-abaqoo-fenix", "1669281"},
    {"ai-laso-ios-insight", "1669280"},
    {"org-mozilla-fennec-fdroid", "1669279"},
    {"io-uc-browser-web", "1671993"},
    {"org-torproject-torbrowser-alpha", "1671987"},
    {"com-nationaledtech-spin", "1675135"},
    {"org-mozilla-ios-Lockbox-CredentialProvider", "1679830"},
    {"com-ucbrowser-indian-browser", "1682425"},
    {"com-athena-equality-firefox", "1686088"},
    {"com-authenticatedreality-fireios", "1686087"},
    {"com-netsweeper-clientfilter-lgfl-homeprotect", "1686085"},
    {"com-netsweeper-clientfilter-homeprotectbylgfl", "1804285"},
    {"com-myie9-xf", "1684918"},
    {"com-netsweeper-clientfilter-lgfl-socialblocked", "1688689"},
    {"com-only4free-activate", "1687350"},
    {"glean-js-tmp", "1689513"},
    {"org-privacywall-browser", "1691468"},
    {"org-mozilla-ios-lockbox-credentialprovider", "1695728"},
    {"com-zibb-browser", "1698576"},
    {"org-mozilla-firefox-betb", "1698579"},
    {"org-mozilla-allanchain-firefox", "1698574"},
    {"com-nationaledtech-spinbrowser", "1708753"},
    {"com-netsweeper-clientfilter-netsweeper", "1708754"},
    {"com-searchscene-ios", "1715101"},
    {"org-geocomply-ios-fennec", "1711513"},
    {"org-mozilla-vrbrowser-internal", "1715099"},
    {"com-qwant-mobile", "1717450"},
    {"io-github-forkmaintainers-iceraven", "1717479"},
    {"artistscope-ios-artisbrowser", "1719343"},
    {"com-luxxle-ios-fennec", "1719341"},
    {"com-etiantian-pclass", "1719338"},
    {"com-apple-dt-xctest-tool", "1732313"},
    {"org-mozilla-feniy", "1732313"},
    {"org-mozilla-felix", "1737633"},
    {"browser-oceanhero", "1740091"},
    {"com-qebrowser", "1740091"},
    {"org-mozilla-sorizava-focus", "1740091"},
    {"com-pando-pandobrowser", "1745742"},
    {"com-wqty-browser", "1752883"},
    {"com-valvesoftware-android-steam-community", "1754042"},
    {"net-decentr-browser", "1754007"},
    {"mozilla-lockbox", "1759183"},
    {"org-you-ios-fennec", "1759182"},
    {"org-mozilla-focut", "1759181"},
    {"org-mozilla-feniz", "1761808"},
    {"org-mozilla-firefox-betd", "1761809"},
    {"org-mozilla-feniw", "1761811"},
    {"net-chinaedu-crystal", "1767076"},
    {"com-you-browser", "1767077"},
    {"org-giveasyoulive-donationreminder", "1767078"},
    {"org-mozilla-firefrd", "1777636"},
    {"org-mozilla-firefox-betc", "1786344"},
    {"com-max-browser", "1802981"},
    {"com-differ-xiaoming", "1806484"},
    {"org-cloudveil-android-browser", "1816487"},
    {"com-abaqoo-browser", "1819142"},
    {"orn-nomi-noma", "1820615"},
    {"com-readboy-firefox", "1833203"},
    {"website-carbon-ios-browser", "1833204"},
    {"viu-politica", "1826535"},
    {"com-freespoke-app", "1834366"},
    {"com-ruiyi-testsystem", "1828562"},
    {"org-mozilla-fenix-mod", "1835701"},
    {"org-immersivel-firefox", "1841614"},
    {"com-wheatleygroup-firefox", "1847643"},
    {"com-work-custchrome", "1859282"},
    {"com-mykarma-karmasearch", "1860820"},
    {"org-mozilla-fennec-mylinux", "1863385"},
    {"com-internet-smartphonebrowser", "1864572"},
    {"com-ecosia-ecosiaapp", "1883854"},
    {"com-ecosia-ecosiaapp-firefox", "1883854"},
    {"org-luxxle-luxxle", "1884755"},
    {"net-decentr-ios-browser", "1884754"},
    {"com-immersivetranslate-immersive-translate-browser", "1884752"},
    {"com-immersivetranslate-browser", "1884751"},
    {"com-jio-web-ios", "1887756"},
    {"com-pekobbrowser-unblocksites", "1896079"},
    {"com-eusoft-trans-en", "1902673"},
    {"com-goodtoolapps-zeus", "1907131"},
    {"io-orbitmobile-firefox", "1919089"},
    {"app-borderfree-borderfree", "1921529"},
    {"com-ff2024-01-firefox", "1925612"},
    {"org-mozilla-firefox-cp", "1925615"},
    {"com-feifan-topvan", "1924135"},
    {"com-feifan-chrome-ios-dev", "1930793"},
    {"us-spotco-fennec-dos", "1938660"},
    {"com-atomic-browser-ios-client", "1941536"},
    {"org-lilo-browser-chrome-ios-herebedragons", "1947334"},
    {"com-xyz-aba", "1952966"},
    {"org-codesista-firefox-titan", "1953225"},
    {"com-android-vending", "1955662"},
    {"org-cloudnexus365-flonbrowser", "1955660"},
    {"org-mozilla-limit", "1965334"},
    {"com-edu-assistant", "1967600"},
    {"com-log-edcationcloud", "1971192"},
    {"djb-pengpenggop-aha", "1971191"},
    {"com-immersivetranslate-browser-babel", "1971190"},
    {"org-hexis-firefox", "1978366"},
    {"org-global-glaxy", "1981558"},
    {"org-mozilla-zxff", "1981560"},
    {"com-dykt-main", "1987968"},
    {"com-agci-acebrowser", "1987968"},
    {"regrets-reporter-ucs", "1997452"},
    {"regrets-reporter", "1997452"},
    {"org-mozilla-ios-tiktok-reporter", "1997452"},
    {"org-mozilla-tiktokreporter", "1997452"},
    {"org-mozilla-ios-tiktok-reporter-tiktok-reportershare", "1997452"},
    {"com-feifan-browser", "1999796"},
    {"com-dykt-fenix", "1999797"},
    {"com-credinet-app", "2002358"},
    {"com-feifan-browserapp", "2002360"},
    {"org-bspl-fox", "2002867"},
    {"com-mohen-edu-firefox", "2007562"},
    {"com-feifan-browserclient", "2007561"},
    {"com-feifanx-abcclient", "2007560"},
    {"com-feifanabc-xclient", "2008133"},
    {"com-dykt-firefox", "2008135"},
    {"org-lilo-mobile-android2020", "2013260"},
    {"co-searcha-bistre", "2013260"},
    {"com-buxue-student", "2024382"},
    {"com-ziniao-smanager", "2032228"},
    {"com-codeedge-childrenfence", "2034078"},
};

constexpr std::pair<const char *, const char *> kIgnoredNamespacePrefixes[] = {
    {"com-feifan", "2010623"},
    {"org-global-g", "2024379"},
    {"org-global-wxc", "2037560"},
    {"com-xiaobei-browser", "2039427"},
};

constexpr std::pair<const char *, const char *> kIgnoredTelemetryDocTypes[] = {
    {"pioneer-study", "1631849"},
    {"frecency-update", "1633525"},
    {"saved-session", "1656910"},
    {"modules", "DENG-8496"},
};

const json &path(const json &doc, std::initializer_list<const char *> steps)
{
    static const json missing;
    const json *node = &doc;
    for (const char *s : steps) {
        if (!node->is_object())
            return missing;
        const auto it = node->find(s);
        if (it == node->end())
            return missing;
        node = &*it;
    }
    return *node;
}

QString text(const json &v)
{
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString();
}

// ParsePayload.addClientIdFromPayload: Glean's client_info.client_id, else the common ping's
// client_id, else clientId; normalized, empty when none is a UUID.
QString clientIdOf(const json &doc)
{
    if (QString n = normalizeUuid(text(path(doc, {"client_info", "client_id"}))); !n.isEmpty())
        return n;
    if (QString n = normalizeUuid(text(path(doc, {"client_id"}))); !n.isEmpty())
        return n;
    return normalizeUuid(text(path(doc, {"clientId"})));
}

bool isHex(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

} // namespace

QString DecoderFailure::errorMessage() const
{
    return bug.isEmpty() ? exceptionClass : exceptionClass + u": "_s + bug;
}

std::optional<DecoderFailure> scrubByUri(const QString &path)
{
    if (path == u"/submit/sslreports" || path == u"/submit/sslreports/") {
        DecoderFailure f = unwanted(u"1585144"_s, u"/submit/sslreports is unwanted data (bug 1585144)"_s);
        f.errorType = u"ParseUri"_s;
        return f;
    }
    return std::nullopt;
}

std::optional<DecoderFailure> limitPayloadSize(qint64 decodedBytes)
{
    if (decodedBytes <= kDecoderPayloadLimit)
        return std::nullopt;
    DecoderFailure f;
    f.errorType = u"LimitPayloadSize"_s;
    f.exceptionClass = u"com.mozilla.telemetry.transforms.LimitPayloadSize$PayloadTooLargeException"_s;
    // LimitPayloadSize's message, spacing as it is ("...bytes, larger than the configured limit of N").
    f.bug = u"Message payload is %1bytes, larger than the configured limit of %2"_s.arg(decodedBytes)
                .arg(kDecoderPayloadLimit);
    f.explanation =
        u"the decoded body is %1 bytes; the decoder refuses more than 8 MiB after gunzip"_s.arg(decodedBytes);
    return f;
}

std::optional<DecoderFailure> scrubMessage(const ScrubInput &in, const json &doc)
{
    const QString &ns = in.ns, &dt = in.docType;
    const bool telemetry = ns == u"telemetry";
    // Toxic data, dropped with no error row.
    if (telemetry && dt == u"crash" && in.appUpdateChannel == u"nightly" &&
        in.appBuildId == u"20190719094503" &&
        text(path(doc, {"payload", "metadata", "MozCrashReason"}))
            .contains(u"do not use eval with system privileges"_s))
        return dropped(u"1567596"_s, u"a crash signature the decoder drops (bug 1567596)"_s);
    if (telemetry && dt == u"crash" &&
        ((in.appUpdateChannel == u"nightly" &&
          (in.appVersion.startsWith(u"68"_s) || in.appVersion.startsWith(u"69"_s))) ||
         (in.appUpdateChannel == u"beta" && in.appVersion.startsWith(u"68"_s))) &&
        text(path(doc, {"payload", "metadata", "RemoteType"})).startsWith(u"webIsolated="_s))
        return dropped(u"1562011"_s, u"a crash signature the decoder drops (bug 1562011)"_s);
    if (telemetry && dt == u"bhr" &&
        (in.appVersion.startsWith(u"68"_s) || in.appVersion.startsWith(u"69"_s))) {
        const json &hangs = path(doc, {"payload", "hangs"});
        if (hangs.is_array())
            for (const json &h : hangs)
                if (h.is_object() && text(path(h, {"remoteType"})).startsWith(u"webIsolated="_s))
                    return dropped(u"1562011"_s, u"a hang signature the decoder drops (bug 1562011)"_s);
    }
    if (dt == u"account-ecosystem")
        return dropped(u"1697602"_s, u"account-ecosystem pings are dropped by the decoder (bug 1697602)"_s);
    if (ns == u"firefox-desktop" && dt == u"background-update")
        return dropped(u"1784911"_s,
                       u"firefox-desktop/background-update is dropped by the decoder (bug 1784911); the "
                       u"background task sends it as firefox-desktop-background-update"_s);
    if (ns == u"firefox-desktop-background-update" && dt == u"new-metric-capture-emulation")
        return dropped(u"1817821"_s, u"this doc type is dropped by the decoder (bug 1817821)"_s);
    if (ns == u"contextual-services" && dt == u"quicksuggest-impression" && doc.is_object() &&
        ((doc.contains("search_query") && !doc["search_query"].is_null()) ||
         (doc.contains("matched_keywords") && !doc["matched_keywords"].is_null())))
        return dropped(u"1712850"_s,
                       u"quicksuggest impressions with search terms are dropped (bug 1712850)"_s);

    // Unwanted data: to the error table, ignored by most monitoring.
    for (const auto &[name, bug] : kIgnoredNamespaces)
        if (ns == QLatin1StringView(name))
            return unwanted(
                QString::fromLatin1(bug),
                u"the namespace %1 is on the decoder's list of unwanted applications (bug %2)"_s.arg(
                    ns, QString::fromLatin1(bug)));
    for (const auto &[prefix, bug] : kIgnoredNamespacePrefixes)
        if (ns.startsWith(QLatin1StringView(prefix)))
            return unwanted(QString::fromLatin1(bug),
                            u"namespaces starting with %1 are unwanted (bug %2)"_s.arg(
                                QLatin1StringView(prefix), QLatin1StringView(bug)));
    if (telemetry)
        for (const auto &[type, bug] : kIgnoredTelemetryDocTypes)
            if (dt == QLatin1StringView(type))
                return unwanted(QString::fromLatin1(bug), u"telemetry/%1 is no longer wanted (bug %2)"_s.arg(
                                                              dt, QLatin1StringView(bug)));
    if (in.appName == u"FirefoxOS")
        return unwanted(u"1618684"_s, u"FirefoxOS pings are unwanted (bug 1618684)"_s);
    if (telemetry && (dt == u"event" || dt == u"main" || dt == u"modules") && in.appName != u"Firefox")
        return unwanted(
            u"1592010"_s,
            u"telemetry/%1 is kept only from appName \"Firefox\" (the URL says \"%2\"; bug 1592010)"_s.arg(
                dt, in.appName));
    if (ns == u"firefox-desktop" && !in.userAgent.startsWith(u"Glean"_s) &&
        !in.telemetryAgent.startsWith(u"Glean"_s))
        return unwanted(
            u"1684980"_s,
            u"firefox-desktop pings need a User-Agent or X-Telemetry-Agent starting with \"Glean\" "
            u"(bug 1684980); a replay without X-Telemetry-Agent is rejected"_s);
    if (dt == u"pageload-domain")
        return dropped(u"DENG-9045"_s,
                       u"pageload-domain pings are dropped by the decoder (DENG-9045), although "
                       u"the doc type has a schema"_s);
    // Other signatures, to the error table and to monitoring.
    {
        if (clientIdOf(doc) == u"c0ffeec0-ffee-c0ff-eec0-ffeec0ffeec0")
            return affected(
                u"1489560"_s,
                u"the client id is the canary c0ffeec0-ffee-c0ff-eec0-ffeec0ffeec0, which Glean sends when "
                u"upload is disabled (bug 1489560)"_s);
    }
    if (ns == u"default-browser-agent" && dt == u"1")
        return unwanted(u"1626020"_s, u"default-browser-agent/1 is unwanted (bug 1626020)"_s);
    if (ns == u"mozillavpn" && dt == u"main") {
        const QString build = text(path(doc, {"client_info", "telemetry_sdk_build"}));
        // "0[.]([0-9]|1[0-6])[.].*": Glean.js before 0.17
        const QStringList parts = build.split(u'.');
        bool ok = false;
        const int minor = parts.size() >= 3 && parts[0] == u"0" ? parts[1].toInt(&ok) : -1;
        if (ok && minor >= 0 && minor <= 16 && parts[1].size() <= 2 &&
            (parts[1].size() == 1 || parts[1][0] == u'1'))
            return affected(u"1733118"_s,
                            u"mozillavpn/main from Glean.js before 0.17 is unusable (bug 1733118)"_s);
    }
    return std::nullopt;
}

std::optional<DecoderFailure> deprecationCheck(const RegistryEntry &entry, qint64 receivedAtUs)
{
    if (entry.metadata.collectThroughDate.isEmpty())
        return std::nullopt;
    const QDate through = QDate::fromString(entry.metadata.collectThroughDate, Qt::ISODate);
    const QDate day = QDateTime::fromMSecsSinceEpoch(receivedAtUs / 1000, QTimeZone::utc()).date();
    if (!through.isValid() || day <= through)
        return std::nullopt;
    DecoderFailure f;
    f.errorType = u"ParsePayload"_s;
    f.exceptionClass = u"com.mozilla.telemetry.decoder.ParsePayload$DeprecatedMessageException"_s;
    f.explanation = u"%1/%2 is collected only through %3 (expiration_policy.collect_through_date)"_s.arg(
        entry.ns, entry.docType, entry.metadata.collectThroughDate);
    return f;
}

QStringList stripPayloadMetadata(json &doc)
{
    QStringList removed;
    if (!doc.is_object())
        return removed;
    static const std::array<const char *, 9> kFields = {
        "metadata",           "submission_timestamp", "document_id",           "normalized_app_name",
        "normalized_channel", "normalized_os",        "normalized_os_version", "normalized_country_code",
        "sample_id"};
    for (auto it = doc.begin(); it != doc.end();) {
        const std::string &k = it.key();
        if (std::find_if(kFields.begin(), kFields.end(), [&](const char *f) { return k == f; }) !=
            kFields.end()) {
            removed.append(QString::fromStdString(k));
            it = doc.erase(it);
        } else {
            ++it;
        }
    }
    return removed;
}

QString normalizeUuid(const QString &value)
{
    // java.util.UUID.fromString: at most 36 characters, five dash-separated hex fields of up to
    // 16 digits each (not only the canonical 8-4-4-4-12). Braces are ignored.
    QString v;
    v.reserve(value.size());
    int fields = 1, digits = 0;
    for (QChar c : value) {
        if (c == u'{' || c == u'}')
            continue;
        if (c == u'-') {
            if (digits == 0 || ++fields > 5)
                return {};
            digits = 0;
        } else if (!isHex(c) || ++digits > 16) {
            return {};
        }
        v.append(c.toLower());
    }
    if (fields != 5 || digits == 0 || v.size() > 36)
        return {};
    return v;
}

int sampleIdOf(const QString &normalizedUuid)
{
    const QByteArray utf8 = normalizedUuid.toUtf8();
    const uLong crc =
        crc32(0L, reinterpret_cast<const Bytef *>(utf8.constData()), static_cast<uInt>(utf8.size()));
    return static_cast<int>(crc % 100);
}

QString normalizeChannel(const QString &name)
{
    for (const char *c : {"release", "esr", "beta", "aurora", "nightly"})
        if (name == QLatin1StringView(c))
            return name;
    if (name.startsWith(u"nightly-cck-"_s))
        return u"nightly"_s;
    if (name.startsWith(u"beta"_s))
        return u"beta"_s;
    return u"Other"_s;
}

QString normalizeOs(const QString &name)
{
    if (name.startsWith(u"Windows"_s) || name.startsWith(u"WINNT"_s))
        return u"Windows"_s;
    if (name.startsWith(u"Darwin"_s))
        return u"Mac"_s;
    if (name.contains(u"Linux"_s) || name.contains(u"BSD"_s) || name.contains(u"SunOS"_s) ||
        name.contains(u"Solaris"_s))
        return u"Linux"_s;
    if (name.startsWith(u"iOS"_s) || name.contains(u"iPhone"_s))
        return u"iOS"_s;
    if (name.startsWith(u"Android"_s))
        return u"Android"_s;
    return u"Other"_s;
}

QString normalizeOsVersion(const QString &v)
{
    // ([0-9]+(?:\.[0-9]+){0,2}).*
    qsizetype i = 0;
    auto digits = [&] {
        const qsizetype start = i;
        while (i < v.size() && v[i] >= u'0' && v[i] <= u'9')
            ++i;
        return i > start;
    };
    if (!digits())
        return {};
    qsizetype end = i;
    for (int part = 0; part < 2; ++part) {
        if (i >= v.size() || v[i] != u'.')
            break;
        ++i;
        if (!digits())
            break;
        end = i;
    }
    return v.left(end);
}

QString edgeSubmissionTimestamp(qint64 receivedAtUs, const QString &granularity)
{
    const qint64 us = ((receivedAtUs % 1000000) + 1000000) % 1000000;
    const QDateTime t = QDateTime::fromSecsSinceEpoch((receivedAtUs - us) / 1000000, QTimeZone::utc());
    QString out = t.toString(u"yyyy-MM-ddTHH:mm:ss"_s);
    if (granularity.isEmpty() || granularity == u"micros" || granularity == u"microseconds") {
        if (us != 0)
            out += u'.' + QString::number(us).rightJustified(6, u'0');
    } else if (granularity == u"millis" || granularity == u"milliseconds") {
        out += u'.' + QString::number(us / 1000).rightJustified(3, u'0');
    } else if (granularity == u"minutes") {
        out = t.toString(u"yyyy-MM-ddTHH:mm:00"_s);
    } else if (granularity == u"hours") {
        out = t.toString(u"yyyy-MM-ddTHH:00:00"_s);
    } else if (granularity == u"days") {
        out = t.toString(u"yyyy-MM-ddT00:00:00"_s);
    }
    return out + u'Z';
}

json derivedFields(const json &doc, const QString &docId, const QString &appUpdateChannel,
                   qint64 receivedAtUs, const QString &sourceTags, const RegistryEntry *entry)
{
    json out = json::object();
    QString channel, os, osVersion;
    const json &clientInfo = path(doc, {"client_info"});
    if (clientInfo.is_object()) {
        channel = text(path(clientInfo, {"app_channel"}));
        os = text(path(clientInfo, {"os"}));
        osVersion = text(path(clientInfo, {"os_version"}));
    } else if (path(doc, {"environment", "system", "os"}).is_object()) {
        os = text(path(doc, {"environment", "system", "os", "name"}));
        osVersion = text(path(doc, {"environment", "system", "os", "version"}));
    } else {
        channel = text(path(doc, {"release_channel"}));
        os = text(path(doc, {"os"}));
        osVersion = text(path(doc, {"osversion"}));
    }
    if (channel.isEmpty())
        channel = appUpdateChannel; // telemetry URLs name the channel
    if (!channel.isEmpty())
        out["normalized_channel"] = normalizeChannel(channel).toStdString();
    if (!os.isEmpty())
        out["normalized_os"] = normalizeOs(os).toStdString();
    if (!osVersion.isEmpty())
        out["normalized_os_version"] = normalizeOsVersion(osVersion).toStdString();

    const QString clientId = clientIdOf(doc);
    // sample_id (ParsePayload.addAttributesFromPayload): the UUID of the metadata's attribute,
    // else of its payload path; client_id when it names neither.
    QString attribute = entry ? entry->metadata.sampleIdSourceUuidAttribute : QString();
    const QStringList payloadPath = entry ? entry->metadata.sampleIdSourceUuidPayloadPath : QStringList();
    if (attribute.isEmpty() && payloadPath.isEmpty())
        attribute = u"client_id"_s;
    QString sampleSource;
    if (attribute == u"client_id")
        sampleSource = clientId;
    else if (attribute == u"document_id")
        sampleSource = normalizeUuid(docId);
    if (sampleSource.isEmpty() && !payloadPath.isEmpty()) {
        const json *node = &doc;
        for (const QString &step : payloadPath)
            node = &path(*node, {step.toStdString().c_str()});
        sampleSource =
            normalizeUuid(node->is_string() ? QString::fromStdString(node->get<std::string>()) : QString());
    }
    if (!sampleSource.isEmpty())
        out["sample_id"] = sampleIdOf(sampleSource);
    if (!clientId.isEmpty())
        out["client_id"] = clientId.toStdString();
    out["submission_timestamp"] =
        edgeSubmissionTimestamp(receivedAtUs,
                                entry ? entry->metadata.submissionTimestampGranularity : QString())
            .toStdString();
    if (entry && !entry->table().isEmpty())
        out["table"] = entry->table().toStdString();
    bool automation = false;
    for (const QString &tag : sourceTags.split(u','))
        automation = automation || tag.trimmed() == u"automation";
    out["stable_tables"] = !automation;
    if (automation)
        out["stable_note"] = "the automation source tag keeps it out of the stable tables (copy_deduplicate)";
    return out;
}

} // namespace pingscope
