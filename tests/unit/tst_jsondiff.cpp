// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "analysis/jsondiff.h"
#include "ping/decode.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace Qt::StringLiterals;
using ojson = nlohmann::ordered_json;

namespace {

ojson doc(const char *text)
{
    return ojson::parse(text);
}

// One line per entry: "~ /pointer before after", "+ /pointer after", "- /pointer before".
QStringList described(const JsonDiff &d)
{
    QStringList out;
    for (const DiffEntry &e : d.entries) {
        QString line;
        switch (e.kind) {
        case DiffEntry::Kind::Added:
            line =
                u"+ "_s + QString::fromStdString(e.pointer) + u' ' + QString::fromStdString(e.after.dump());
            break;
        case DiffEntry::Kind::Removed:
            line =
                u"- "_s + QString::fromStdString(e.pointer) + u' ' + QString::fromStdString(e.before.dump());
            break;
        case DiffEntry::Kind::Changed:
            line = u"~ "_s + QString::fromStdString(e.pointer) + u' ' +
                   QString::fromStdString(e.before.dump()) + u' ' + QString::fromStdString(e.after.dump());
            break;
        }
        out << line;
    }
    return out;
}

QStringList notesOf(const JsonDiff &d)
{
    QStringList out;
    for (const std::string &n : d.notes)
        out << QString::fromStdString(n);
    return out;
}

// A captured request body as the endpoint decodes it: gunzipped when gzip, then parsed.
ojson capturedPing(const QString &name, bool expectGzip)
{
    const QByteArray raw = test::readDataFile(u"captured-requests/"_s + name + u".body.raw"_s);
    const GunzipResult g = gunzipIfGzip(raw, 1 << 20);
    if (expectGzip != (g.status == GunzipResult::Status::Ok))
        qFatal("%s: unexpected gunzip status %d", qPrintable(name), static_cast<int>(g.status));
    const QByteArray &text = expectGzip ? g.data : raw;
    return ojson::parse(text.begin(), text.end());
}

} // namespace

class TestJsonDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void equalDocuments();
    void pointerEscape();
    void addedRemovedChangedWithPointers();
    void keyOrderFollowsA();
    void typeChange();
    void scalarArrayInsertion();
    void objectArrayInsertion();
    void longArrayInsertion();
    void eventsMatchedByCategoryNameTimestamp();
    void seqCalloutOnCapturedBaselines();
    void legacyTelemetryMainPing();
    void formatText();
    void jsonOutput();
};

void TestJsonDiff::equalDocuments()
{
    // Key order is not a difference; nor is 1 against 1.0.
    const JsonDiff d = diffJson(doc(R"({"a": 1, "b": {"c": [1, 2, {"d": null}]}, "e": "x"})"),
                                doc(R"({"e": "x", "b": {"c": [1.0, 2, {"d": null}]}, "a": 1})"));
    QVERIFY(d.equal());
    QVERIFY(d.entries.empty());
    QVERIFY(d.notes.empty());
    QCOMPARE(formatDiff(d, false), u"no differences"_s);
    QVERIFY(!diffJson(doc("[1]"), doc("[1, 1]")).equal());
}

void TestJsonDiff::pointerEscape()
{
    QCOMPARE(jsonPointerEscape("a/b"), std::string("a~1b"));
    QCOMPARE(jsonPointerEscape("m~n"), std::string("m~0n"));
    QCOMPARE(jsonPointerEscape("~1/"), std::string("~01~1"));
    QCOMPARE(jsonPointerEscape("plain.key"), std::string("plain.key"));
}

void TestJsonDiff::addedRemovedChangedWithPointers()
{
    const JsonDiff d = diffJson(
        doc(R"({"a/b": 1, "metrics": {"counter": {"m~n": 3, "same": 1}}, "gone": "x", "keep": true})"),
        doc(R"({"keep": true, "new": [1], "metrics": {"counter": {"m~n": 4, "same": 1, "x/y~z": 0}}, "a/b": 2})"));
    QCOMPARE(described(d),
             (QStringList{u"~ /a~1b 1 2"_s, u"~ /metrics/counter/m~0n 3 4"_s,
                          u"+ /metrics/counter/x~1y~0z 0"_s, u"- /gone \"x\""_s, u"+ /new [1]"_s}));
    QVERIFY(!d.equal());
}

void TestJsonDiff::keyOrderFollowsA()
{
    const JsonDiff d = diffJson(doc(R"({"z": 1, "a": 1, "m": 1, "only_a": 0})"),
                                doc(R"({"b2": 0, "m": 2, "a": 2, "z": 2, "b1": 0})"));
    QCOMPARE(described(d), (QStringList{u"~ /z 1 2"_s, u"~ /a 1 2"_s, u"~ /m 1 2"_s, u"- /only_a 0"_s,
                                        u"+ /b2 0"_s, u"+ /b1 0"_s}));
}

void TestJsonDiff::typeChange()
{
    // A number that became a string, an object that became an array: one Changed each, with the
    // whole values, not their insides.
    const JsonDiff d =
        diffJson(doc(R"({"n": 1, "o": {"a": 1}, "s": "x"})"), doc(R"({"n": "1", "o": [1], "s": null})"));
    QCOMPARE(described(d), (QStringList{u"~ /n 1 \"1\""_s, u"~ /o {\"a\":1} [1]"_s, u"~ /s \"x\" null"_s}));
    // At the top.
    QCOMPARE(described(diffJson(doc("[1]"), doc("{}"))), QStringList{u"~  [1] {}"_s});
}

void TestJsonDiff::scalarArrayInsertion()
{
    QCOMPARE(described(diffJson(doc(R"({"x": [1, 2, 3, 4, 5]})"), doc(R"({"x": [1, 2, 9, 3, 4, 5]})"))),
             QStringList{u"+ /x/2 9"_s});
    QCOMPARE(described(diffJson(doc(R"({"x": [1, 2, 3, 4]})"), doc(R"({"x": [1, 3, 4]})"))),
             QStringList{u"- /x/1 2"_s});
    // A value replaced in place is one change, not a removal and an addition.
    QCOMPARE(described(diffJson(doc(R"(["a", "b", "c"])"), doc(R"(["a", "B", "c"])"))),
             QStringList{u"~ /1 \"b\" \"B\""_s});
}

void TestJsonDiff::objectArrayInsertion()
{
    // One object put in front: one addition, the others are matched despite the shift.
    QCOMPARE(described(diffJson(doc(R"([{"id": 1, "v": "a"}, {"id": 2}, {"id": 3}])"),
                                doc(R"([{"id": 0}, {"id": 1, "v": "a"}, {"id": 2}, {"id": 3}])"))),
             QStringList{u"+ /0 {\"id\":0}"_s});
    // An object inserted next to one that changed: the changed one pairs with its look-alike
    // (same id), not with the newcomer beside it.
    QCOMPARE(described(diffJson(doc(R"([{"id": 1, "v": 1}, {"id": 2, "v": 1}])"),
                                doc(R"([{"id": 1, "v": 1}, {"id": 9, "w": 0}, {"id": 2, "v": 2}])"))),
             (QStringList{u"+ /1 {\"id\":9,\"w\":0}"_s, u"~ /2/v 1 2"_s}));
}

void TestJsonDiff::longArrayInsertion()
{
    // 1,500 elements whose first and last differ (no common head or tail to strip): still
    // aligned, quickly.
    ojson a = ojson::array(), b = ojson::array();
    for (int i = 0; i < 1500; ++i) {
        a.push_back(i == 0 ? -1 : i == 1499 ? -2 : i);
        b.push_back(i == 0 ? -3 : i == 1499 ? -4 : i);
        if (i == 700)
            b.push_back("new");
    }
    QElapsedTimer timer;
    timer.start();
    const JsonDiff d = diffJson(a, b);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(described(d), (QStringList{u"~ /0 -1 -3"_s, u"+ /701 \"new\""_s, u"~ /1500 -2 -4"_s}));
}

void TestJsonDiff::eventsMatchedByCategoryNameTimestamp()
{
    // An event inserted before one whose extra changed; a third one keeps its place. Matched by
    // (category, name, timestamp), the changed event reports only its extra.
    const JsonDiff d = diffJson(doc(R"({"events": [
          {"category": "nav", "name": "open", "timestamp": 0},
          {"category": "nav", "name": "click", "timestamp": 10, "extra": {"target": "a", "n": "1"}},
          {"category": "nav", "name": "close", "timestamp": 20}]})"),
                                doc(R"({"events": [
          {"category": "nav", "name": "open", "timestamp": 0},
          {"category": "nav", "name": "scroll", "timestamp": 5},
          {"category": "nav", "name": "click", "timestamp": 10, "extra": {"target": "a", "n": "2"}},
          {"category": "nav", "name": "close", "timestamp": 20}]})"));
    QCOMPARE(described(d),
             (QStringList{u"+ /events/1 {\"category\":\"nav\",\"name\":\"scroll\",\"timestamp\":5}"_s,
                          u"~ /events/2/extra/n \"1\" \"2\""_s}));

    // Without its timestamp, by (category, name) in order: a moved timestamp is a change of it;
    // an event that went away is removed at its index in A.
    const JsonDiff moved = diffJson(doc(R"([{"category": "c", "name": "x", "timestamp": 1},
                                           {"category": "c", "name": "y", "timestamp": 2},
                                           {"category": "c", "name": "x", "timestamp": 3}])"),
                                    doc(R"([{"category": "c", "name": "x", "timestamp": 1},
                                           {"category": "c", "name": "x", "timestamp": 4}])"));
    QCOMPARE(described(moved), (QStringList{u"- /1 {\"category\":\"c\",\"name\":\"y\",\"timestamp\":2}"_s,
                                            u"~ /1/timestamp 3 4"_s}));

    // An event keeps its identity: a new one that looks like it in all but its name does not
    // take its place (by likeness alone, "x" would pair with the new "y").
    const JsonDiff named =
        diffJson(doc(R"([{"category": "c", "name": "x", "timestamp": 5, "extra": {"k": "1"}}])"),
                 doc(R"([{"category": "c", "name": "y", "timestamp": 5, "extra": {"k": "1"}},
                         {"category": "c", "name": "x", "timestamp": 5, "extra": {"k": "2"}}])"));
    QCOMPARE(
        described(named),
        (QStringList{u"+ /0 {\"category\":\"c\",\"name\":\"y\",\"timestamp\":5,\"extra\":{\"k\":\"1\"}}"_s,
                     u"~ /1/extra/k \"1\" \"2\""_s}));
}

void TestJsonDiff::seqCalloutOnCapturedBaselines()
{
    // Firefox ESR's first and third baseline pings of one session (seq 0 and 2; gzip bodies).
    const ojson first = capturedPing(u"firefox-esr/005-POST-firefox-desktop_baseline"_s, true);
    const ojson second = capturedPing(u"firefox-esr/013-POST-firefox-desktop_baseline"_s, true);
    const ojson third = capturedPing(u"firefox-esr/017-POST-firefox-desktop_baseline"_s, true);
    QVERIFY(first["client_info"]["client_id"] == third["client_info"]["client_id"]);

    const JsonDiff d = diffJson(first, third);
    const QStringList notes = notesOf(d);
    QVERIFY2(notes.contains(u"ping_info.seq 0 → 2 (+2): 1 ping of this client is missing between them"_s),
             qPrintable(notes.join(u'\n')));
    QVERIFY2(notes.contains(u"ping_info.start_time +27.010 s (2026-11-23T02:19:24.990+00:00 → "
                            u"2026-11-23T02:19:52.000+00:00)"_s),
             qPrintable(notes.join(u'\n')));
    QVERIFY(!notes.join(u'\n').contains(u"different clients"_s));
    QVERIFY(!notes.join(u'\n').contains(u"reason"_s)); // "active" in both
    QVERIFY(described(d).contains(u"~ /ping_info/seq 0 2"_s));
    // Printed, the notes come first.
    const QStringList lines = formatDiff(d, false).split(u'\n');
    const auto noteCount = static_cast<qsizetype>(d.notes.size());
    for (qsizetype i = 0; i < noteCount; ++i)
        QCOMPARE(lines.at(i), u"note: "_s + QString::fromStdString(d.notes[static_cast<size_t>(i)]));
    QVERIFY(lines.indexOf(u"~ /ping_info/seq: 0 → 2"_s) >= noteCount);

    // Consecutive ones, the second after a dirty startup.
    const QStringList next = notesOf(diffJson(first, second));
    QVERIFY2(next.contains(u"ping_info.seq 0 → 1 (+1): consecutive pings of this client"_s),
             qPrintable(next.join(u'\n')));
    QVERIFY2(next.contains(u"ping_info.reason active → dirty_startup"_s), qPrintable(next.join(u'\n')));
    // Backwards.
    QVERIFY(notesOf(diffJson(third, first)).join(u'\n').contains(u"seq went backwards"_s));

    // Another client: the seq numbers are not compared.
    ojson other = third;
    other["client_info"]["client_id"] = "00000000-0000-0000-0000-000000000000";
    const QStringList otherNotes = notesOf(diffJson(first, other));
    QVERIFY2(otherNotes.first().startsWith(u"different clients: client_info.client_id a670d57c"_s),
             qPrintable(otherNotes.join(u'\n')));
    QVERIFY(!otherNotes.join(u'\n').contains(u"missing"_s));
}

void TestJsonDiff::legacyTelemetryMainPing()
{
    const QByteArray text = test::readDataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s);
    const ojson a = ojson::parse(text.begin(), text.end());
    QVERIFY(a.contains("payload") && a.contains("application"));
    ojson b = a;
    b["creationDate"] = "2015-11-05T03:30:43.312Z"; // +2 h 5 min
    b["clientId"] = "11111111-2222-3333-4444-555555555555";
    b["payload"]["info"]["subsessionCounter"] = a["payload"]["info"]["subsessionCounter"].get<int>() + 1;
    b["payload"]["info"].erase("reason");
    b["environment"]["settings"]["locale"] = "de-DE";

    QElapsedTimer timer;
    timer.start();
    const JsonDiff d = diffJson(a, b);
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    const QString subsession = QString::number(a["payload"]["info"]["subsessionCounter"].get<int>());
    const QString next = QString::number(a["payload"]["info"]["subsessionCounter"].get<int>() + 1);
    // In the ping's own key order: clientId, creationDate, environment, then payload.
    QCOMPARE(described(d),
             (QStringList{
                 u"~ /clientId \"6fd3eb50-8bec-4b9c-8778-59406171312a\" "
                 u"\"11111111-2222-3333-4444-555555555555\""_s,
                 u"~ /creationDate \"2015-11-05T01:25:43.312Z\" \"2015-11-05T03:30:43.312Z\""_s,
                 u"~ /environment/settings/locale "_s +
                     QString::fromStdString(a["environment"]["settings"]["locale"].dump()) + u" \"de-DE\""_s,
                 u"- /payload/info/reason "_s + QString::fromStdString(a["payload"]["info"]["reason"].dump()),
                 u"~ /payload/info/subsessionCounter "_s + subsession + u' ' + next}));
    QCOMPARE(notesOf(d),
             (QStringList{
                 u"different clients: clientId 6fd3eb50-8bec-4b9c-8778-59406171312a → "
                 u"11111111-2222-3333-4444-555555555555"_s,
                 u"the same document id 0fdac909-d2ec-454c-b625-261a3e5d5c9b: the pipeline keeps the first "
                 u"copy and drops the other"_s,
                 u"creationDate +2 h 5 min (2015-11-05T01:25:43.312Z → 2015-11-05T03:30:43.312Z)"_s}));

    b = a;
    b["id"] = "99999999-d2ec-454c-b625-261a3e5d5c9b";
    QVERIFY(
        notesOf(diffJson(a, b))
            .contains(
                u"different documents: id 0fdac909-d2ec-454c-b625-261a3e5d5c9b → 99999999-d2ec-454c-b625-261a3e5d5c9b"_s));
    QVERIFY(diffJson(a, a).equal());
}

void TestJsonDiff::formatText()
{
    const std::string longText(300, 'x');
    ojson b = doc(R"({"n": "1", "added": {"k": [true]}, "esc\u001b[2J": 1})");
    b["long"] = longText;
    const JsonDiff d = diffJson(doc(R"({"n": 1, "removed": null, "long": "short"})"), b);
    const QString plain = formatDiff(d, false);
    const QStringList lines = plain.split(u'\n');
    QVERIFY2(lines.contains(u"~ /n: 1 → \"1\""_s), qPrintable(plain));
    QVERIFY2(lines.contains(u"- /removed: null"_s), qPrintable(plain));
    QVERIFY2(lines.contains(u"+ /added: {\"k\":[true]}"_s), qPrintable(plain));
    // A key's control characters are escaped, not sent to the terminal.
    QVERIFY2(lines.contains(u"+ /esc\\u001b[2J: 1"_s), qPrintable(plain));
    QVERIFY(!plain.contains(QChar(0x1b)));
    // A long value is cut at 120 characters.
    const auto longLine =
        std::find_if(lines.begin(), lines.end(), [](const QString &l) { return l.startsWith(u"~ /long"_s); });
    QVERIFY(longLine != lines.end());
    const QString after = longLine->mid(longLine->indexOf(u"→ "_s) + 2);
    QCOMPARE(after.size(), 120);
    QVERIFY(after.endsWith(u"…"_s));
    QVERIFY(after.startsWith(u"\"xxxx"_s));
    QCOMPARE(lines.last(), u"2 added, 1 removed, 2 changed"_s);

    const QString colored = formatDiff(d, true);
    QVERIFY(colored.contains(u"\x1b[32m+ /added"_s));
    QVERIFY(colored.contains(u"\x1b[31m- /removed"_s));
    QVERIFY(colored.contains(u"\x1b[33m~ /n"_s));
}

void TestJsonDiff::jsonOutput()
{
    const JsonDiff d = diffJson(doc(R"({"n": 1, "gone": [1]})"), doc(R"({"n": 2, "new": {"a": "b"}})"));
    const ojson j = diffToJson(d);
    QVERIFY(j["equal"] == false);
    QVERIFY(j["notes"].is_array());
    QCOMPARE(j["entries"].size(), size_t(3));
    // Only what each operation has: no "before" in an addition, no "after" in a removal.
    QCOMPARE(QString::fromStdString(j["entries"][0].dump()),
             uR"({"op":"change","pointer":"/n","before":1,"after":2})"_s);
    QCOMPARE(QString::fromStdString(j["entries"][1].dump()),
             uR"({"op":"remove","pointer":"/gone","before":[1]})"_s);
    QCOMPARE(QString::fromStdString(j["entries"][2].dump()),
             uR"({"op":"add","pointer":"/new","after":{"a":"b"}})"_s);
    QCOMPARE(diffToJson(diffJson(doc("{}"), doc("{}"))).dump(),
             std::string(R"({"equal":true,"notes":[],"entries":[]})"));
}

QTEST_GUILESS_MAIN(TestJsonDiff)
#include "tst_jsondiff.moc"
