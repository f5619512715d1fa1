// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "payloadtreemodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QIcon>
#include <QSignalSpy>
#include <QTest>

#include "testsupport.h"

#include "ingest.h"
#include "validation/registry.h"
#include "validation/validation.h"

#include <nlohmann/json.hpp>

#include <functional>

using namespace pingscope;
using pingscope::test::readDataFile;
using namespace Qt::StringLiterals;

namespace {

using Model = PayloadTreeModel;

QString text(const QAbstractItemModel &model, const QModelIndex &index, int column,
             int role = Qt::DisplayRole)
{
    return model.index(index.row(), column, index.parent()).data(role).toString();
}

QStringList keysUnder(const QAbstractItemModel &model, const QModelIndex &parent)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(parent); ++row)
        out.append(model.index(row, Model::Key, parent).data().toString());
    return out;
}

QModelIndex rootRow(const QAbstractItemModel &model)
{
    return model.index(0, 0);
}

// Counts every node below `parent`, building all of them.
int countAll(const QAbstractItemModel &model, const QModelIndex &parent)
{
    int n = 0;
    for (int row = 0; row < model.rowCount(parent); ++row)
        n += 1 + countAll(model, model.index(row, 0, parent));
    return n;
}

} // namespace

class TestPayloadTreeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keyOrderKept();
    void scalarValues_data();
    void scalarValues();
    void longStringTruncated();
    void pointersAndPaths_data();
    void pointersAndPaths();
    void indexForPointer_data();
    void indexForPointer();
    void errorMarks();
    void explanatoryRow_data();
    void explanatoryRow();
    void emptyPayload();
    void setPayloadTwice();
    void mainPing();
    void bigQueryColumnWarning();
};

void TestPayloadTreeModel::keyOrderKept()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(R"({"zeta":1,"alpha":{"c":1,"b":2,"a":3},"mid":[3,2,1]})");
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex root = rootRow(model);
    QCOMPARE(root.data().toString(), u"(root)"_s);
    QCOMPARE(keysUnder(model, root), (QStringList{u"zeta"_s, u"alpha"_s, u"mid"_s}));
    QCOMPARE(keysUnder(model, model.index(1, 0, root)), (QStringList{u"c"_s, u"b"_s, u"a"_s}));
    QCOMPARE(keysUnder(model, model.index(2, 0, root)), (QStringList{u"[0]"_s, u"[1]"_s, u"[2]"_s}));
    QCOMPARE(model.headerData(Model::Value, Qt::Horizontal, Qt::DisplayRole).toString(), u"Value"_s);
}

void TestPayloadTreeModel::scalarValues_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("valueText");
    QTest::addColumn<bool>("children");

    QTest::addRow("string") << QByteArray(R"("hi \"you\"\n")") << uR"("hi \"you\"\n")"_s << u"string"_s
                            << uR"("hi \"you\"\n")"_s << false;
    QTest::addRow("unicode") << QByteArray(R"("h\u00e9 ✓")") << u"\"hé ✓\""_s << u"string"_s << u"\"hé ✓\""_s
                             << false;
    QTest::addRow("empty string") << QByteArray(R"("")") << uR"("")"_s << u"string"_s << uR"("")"_s << false;
    QTest::addRow("integer") << QByteArray("42") << u"42"_s << u"integer"_s << u"42"_s << false;
    QTest::addRow("negative") << QByteArray("-7") << u"-7"_s << u"integer"_s << u"-7"_s << false;
    QTest::addRow("unsigned 64") << QByteArray("18446744073709551615") << u"18446744073709551615"_s
                                 << u"integer"_s << u"18446744073709551615"_s << false;
    QTest::addRow("number") << QByteArray("1.5") << u"1.5"_s << u"number"_s << u"1.5"_s << false;
    QTest::addRow("exponent") << QByteArray("1e300") << u"1e+300"_s << u"number"_s << u"1e+300"_s << false;
    QTest::addRow("true") << QByteArray("true") << u"true"_s << u"boolean"_s << u"true"_s << false;
    QTest::addRow("false") << QByteArray("false") << u"false"_s << u"boolean"_s << u"false"_s << false;
    QTest::addRow("null") << QByteArray("null") << u"null"_s << u"null"_s << u"null"_s << false;
    QTest::addRow("object") << QByteArray(R"({ "a" : 1, "b" : [ true ] })") << u"{2}"_s << u"object"_s
                            << uR"({"a":1,"b":[true]})"_s << true;
    QTest::addRow("empty object") << QByteArray("{}") << u"{0}"_s << u"object"_s << u"{}"_s << false;
    QTest::addRow("array") << QByteArray(R"([1, "x", null])") << u"[3]"_s << u"array"_s
                           << uR"([1,"x",null])"_s << true;
    QTest::addRow("empty array") << QByteArray("[ ]") << u"[0]"_s << u"array"_s << u"[]"_s << false;
}

void TestPayloadTreeModel::scalarValues()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, value);
    QFETCH(QString, type);
    QFETCH(QString, valueText);
    QFETCH(bool, children);

    // Each value both as the document and as a member of an object and of an array.
    for (const QByteArray &doc :
         {json, QByteArray(R"({"k":)" + json + '}'), QByteArray("[0," + json + ']')}) {
        Model model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPayload(doc);
        QVERIFY(model.problem().isEmpty());
        QModelIndex index = rootRow(model);
        QString key = u"(root)"_s;
        if (doc.startsWith(R"({"k")")) {
            index = model.index(0, 0, index);
            key = u"k"_s;
        } else if (doc.startsWith("[0,")) {
            index = model.index(1, 0, index);
            key = u"[1]"_s;
        }
        QVERIFY(index.isValid());
        QCOMPARE(text(model, index, Model::Key), key);
        QCOMPARE(text(model, index, Model::Value), value);
        QCOMPARE(text(model, index, Model::Type), type);
        QCOMPARE(index.data(Model::TypeRole).toString(), type);
        QCOMPARE(text(model, index, Model::Type, Model::ValueTextRole), valueText);
        QCOMPARE(model.hasChildren(index), children);
        QCOMPARE(model.rowCount(index) > 0, children);
        QCOMPARE(index.data(Model::ErrorRole).toBool(), false);
        QCOMPARE(index.data(Model::HasErrorBelowRole).toBool(), false);
        QVERIFY(!index.data(Qt::ForegroundRole).isValid());
        QVERIFY(!index.data(Qt::DecorationRole).isValid());
        QVERIFY(text(model, index, Model::Value, Qt::ToolTipRole).isEmpty());
    }
}

void TestPayloadTreeModel::longStringTruncated()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // 300 characters, each two bytes in UTF-8, plus one outside the BMP at the cut.
    QString full = QString(Model::kMaxDisplayChars - 1, QChar(0xe9)) + u"\U0001F600"_s + QString(100, u'x');
    model.setPayload(R"({"s":")" + full.toUtf8() + R"("})");
    const QModelIndex s = model.index(0, Model::Value, rootRow(model));
    const QString shown = s.data().toString();
    QVERIFY(shown.startsWith(u'"'));
    QVERIFY(shown.endsWith(QChar(0x2026)));
    QVERIFY(shown.size() <= Model::kMaxDisplayChars + 3);
    QVERIFY(!shown.contains(QChar(0xfffd)));
    QCOMPARE(s.data(Qt::ToolTipRole).toString(), full);
    QCOMPARE(s.data(Model::ValueTextRole).toString(), QChar(u'"') + full + QChar(u'"'));
    // The full value only in the Value column's tooltip.
    QVERIFY(model.index(0, Model::Key, rootRow(model)).data(Qt::ToolTipRole).isNull());
}

void TestPayloadTreeModel::pointersAndPaths_data()
{
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("key");

    QTest::addRow("root") << u""_s << u""_s << u"(root)"_s;
    QTest::addRow("glean metric") << u"/metrics/counter/app.clicks"_s << u"metrics.counter.app.clicks"_s
                                  << u"app.clicks"_s;
    QTest::addRow("array item") << u"/events/0"_s << u"events[0]"_s << u"[0]"_s;
    QTest::addRow("member of item") << u"/events/0/timestamp"_s << u"events[0].timestamp"_s << u"timestamp"_s;
    QTest::addRow("nested arrays") << u"/events/1/extra/1/0"_s << u"events[1].extra[1][0]"_s << u"[0]"_s;
    QTest::addRow("slash") << u"/a~1b"_s << u"a/b"_s << u"a/b"_s;
    QTest::addRow("tilde") << u"/a~1b/c~0d"_s << u"a/b.c~d"_s << u"c~d"_s;
    QTest::addRow("tilde then one") << u"/a~1b/~01"_s << u"a/b.~1"_s << u"~1"_s;
    QTest::addRow("empty key") << u"/"_s << u""_s << u""_s;
    QTest::addRow("root array") << u"/events"_s << u"events"_s << u"events"_s;
}

void TestPayloadTreeModel::pointersAndPaths()
{
    QFETCH(QString, pointer);
    QFETCH(QString, path);
    QFETCH(QString, key);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(R"({
        "metrics": {"counter": {"app.clicks": 3}},
        "events": [{"timestamp": 1, "name": "x"}, {"extra": [[], ["y"]]}],
        "a/b": {"c~d": true, "~1": false},
        "": 0
    })");
    const QModelIndex index = model.indexForPointer(pointer);
    QVERIFY(index.isValid());
    QCOMPARE(index.column(), 0);
    QCOMPARE(index.data().toString(), key);
    QCOMPARE(index.data(Model::PointerRole).toString(), pointer);
    QCOMPARE(index.data(Model::PathRole).toString(), path);
    // Same from every column.
    QCOMPARE(text(model, index, Model::Type, Model::PointerRole), pointer);
    QCOMPARE(text(model, index, Model::Value, Model::PathRole), path);
    // And the pointer found by walking leads back to the same index.
    QModelIndex walked = rootRow(model);
    QStringList chain;
    for (QModelIndex i = index; i.isValid(); i = i.parent())
        chain.prepend(i.data().toString());
    QCOMPARE(chain.front(), u"(root)"_s);
    for (qsizetype level = 1; level < chain.size(); ++level) {
        const int row = keysUnder(model, walked).indexOf(chain[level]);
        QVERIFY(row >= 0);
        walked = model.index(row, 0, walked);
    }
    QCOMPARE(walked, index);
}

void TestPayloadTreeModel::indexForPointer_data()
{
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QString>("exact");   // PointerRole of the Exact result; "-" for invalid
    QTest::addColumn<QString>("nearest"); // of the NearestAncestor result

    QTest::addRow("root") << u""_s << u""_s << u""_s;
    QTest::addRow("object") << u"/a"_s << u"/a"_s << u"/a"_s;
    QTest::addRow("deep object") << u"/a/b/c"_s << u"/a/b/c"_s << u"/a/b/c"_s;
    QTest::addRow("array in object") << u"/a/list/2"_s << u"/a/list/2"_s << u"/a/list/2"_s;
    QTest::addRow("object in array") << u"/a/list/2/z"_s << u"/a/list/2/z"_s << u"/a/list/2/z"_s;
    QTest::addRow("missing member") << u"/a/b/nope"_s << u"-"_s << u"/a/b"_s;
    QTest::addRow("missing below missing") << u"/a/x/y/z"_s << u"-"_s << u"/a"_s;
    QTest::addRow("index out of range") << u"/a/list/3"_s << u"-"_s << u"/a/list"_s;
    QTest::addRow("leading zero") << u"/a/list/01"_s << u"-"_s << u"/a/list"_s;
    QTest::addRow("not a number") << u"/a/list/x"_s << u"-"_s << u"/a/list"_s;
    QTest::addRow("negative") << u"/a/list/-1"_s << u"-"_s << u"/a/list"_s;
    QTest::addRow("into a scalar") << u"/a/b/c/d"_s << u"-"_s << u"/a/b/c"_s;
    QTest::addRow("no slash") << u"a"_s << u"-"_s << u"-"_s;
    QTest::addRow("bad escape") << u"/a~2"_s << u"-"_s << u"-"_s;
    QTest::addRow("dangling tilde") << u"/a~"_s << u"-"_s << u"-"_s;
}

void TestPayloadTreeModel::indexForPointer()
{
    QFETCH(QString, pointer);
    QFETCH(QString, exact);
    QFETCH(QString, nearest);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(R"({"a":{"b":{"c":5},"list":[0,[1],{"z":null}]}})");
    const auto check = [&](Model::PointerMatch match, const QString &expected) {
        const QModelIndex index = model.indexForPointer(pointer, match);
        if (expected == u"-"_s) {
            QVERIFY(!index.isValid());
            return;
        }
        QVERIFY(index.isValid());
        QCOMPARE(index.model(), &model);
        QCOMPARE(index.data(Model::PointerRole).toString(), expected);
        // A proper index: its parent chain ends at the top-level row.
        QModelIndex top = index;
        while (top.parent().isValid())
            top = top.parent();
        QCOMPARE(top, rootRow(model));
    };
    check(Model::PointerMatch::Exact, exact);
    check(Model::PointerMatch::NearestAncestor, nearest);
}

void TestPayloadTreeModel::errorMarks()
{
    const QByteArray payload =
        readDataFile(u"captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.json"_s);
    // As validation writes them: a type error, two errors on one node, a missing required
    // property reported at its parent object, a pointer into something that does not exist,
    // a root error, and a parse-level error without a pointer.
    const QByteArray errors = R"([
        {"kind":"schema","message":"ping_info.seq: -1 is less than the minimum of 0",
         "pointer":"/ping_info/seq","schema_path":"/properties/ping_info/properties/seq",
         "keyword":"minimum"},
        {"kind":"schema","message":"os: not one of the allowed values","pointer":"/client_info/os",
         "keyword":"enum"},
        {"kind":"schema","message":"os: does not match the pattern","pointer":"/client_info/os",
         "keyword":"pattern"},
        {"kind":"schema","message":"missing required property \"counter\"",
         "pointer":"/metrics/boolean","keyword":"required"},
        {"kind":"schema","message":"no such metric","pointer":"/metrics/uuid/nope/deeper"},
        {"kind":"schema","message":"missing required property \"events\"","pointer":"",
         "keyword":"required"},
        {"kind":"note","message":"not tied to a node"}
    ])";
    const QByteArray warnings =
        R"([{"kind":"deprecated","message":"old field","pointer":"/client_info/locale"}])";

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(payload, errors, warnings);
    QVERIFY(model.problem().isEmpty());
    QCOMPARE(model.warnings(), QStringList{u"deprecated: old field"_s});

    const QStringList errorNodes{u""_s, u"/ping_info/seq"_s, u"/client_info/os"_s, u"/metrics/boolean"_s,
                                 u"/metrics/uuid"_s};
    const QStringList belowNodes{u""_s, u"/ping_info"_s, u"/client_info"_s, u"/metrics"_s};

    // Every node, built as a view would build them on expanding everything.
    int seen = 0;
    std::function<void(const QModelIndex &)> visit = [&](const QModelIndex &index) {
        ++seen;
        const QString pointer = index.data(Model::PointerRole).toString();
        const bool error = errorNodes.contains(pointer);
        const bool warned = pointer == u"/client_info/locale"_s; // the warning with a pointer
        QCOMPARE(index.data(Model::ErrorRole).toBool(), error);
        QCOMPARE(index.data(Model::HasErrorBelowRole).toBool(), belowNodes.contains(pointer));
        QCOMPARE(index.data(Model::WarningRole).toString(), warned ? u"old field"_s : QString());
        for (int column = 0; column < Model::ColumnCount; ++column) {
            const QModelIndex cell = index.siblingAtColumn(column);
            QCOMPARE(cell.data(Qt::ForegroundRole).isValid(), error || warned);
            if (error)
                QCOMPARE(cell.data(Qt::ForegroundRole).value<QColor>(), QColor(0xc0, 0x1c, 0x28));
            if (warned)
                QCOMPARE(cell.data(Qt::ForegroundRole).value<QColor>(), QColor(0xa0, 0x5a, 0x00));
            QCOMPARE(cell.data(Qt::DecorationRole).isValid(), (error || warned) && column == Model::Key);
        }
        for (int row = 0; row < model.rowCount(index); ++row)
            visit(model.index(row, 0, index));
    };
    visit(rootRow(model));
    QCOMPARE(seen, 30); // 1 + 3 + 4 + 11 + 4 + 2 + 2 + 1 + 2

    const auto tip = [&](const QString &pointer) {
        return model.indexForPointer(pointer).data(Qt::ToolTipRole).toString();
    };
    QCOMPARE(tip(u"/ping_info/seq"_s), u"ping_info.seq: -1 is less than the minimum of 0"_s);
    QCOMPARE(tip(u"/client_info/os"_s),
             u"os: not one of the allowed values\nos: does not match the pattern"_s);
    QCOMPARE(tip(u"/metrics/boolean"_s), u"missing required property \"counter\""_s);
    QCOMPARE(tip(u"/metrics/uuid"_s), u"no such metric"_s);
    QCOMPARE(tip(u""_s), u"missing required property \"events\""_s);
    QCOMPARE(tip(u"/client_info/locale"_s), u"old field"_s); // a warning with a pointer marks its node
    QCOMPARE(model.warningPointers(), QStringList{u"/client_info/locale"_s});
    QVERIFY(tip(u"/ping_info"_s).isEmpty()); // only below

    // The string value's tooltip carries the error too (no cut value in front of it).
    const QModelIndex os = model.indexForPointer(u"/client_info/os"_s);
    QCOMPARE(os.siblingAtColumn(Model::Value).data(Qt::ToolTipRole).toString(), tip(u"/client_info/os"_s));

    // A QGuiApplication exists here, so the marker is an icon with pixels.
    const QVariant marker = os.data(Qt::DecorationRole);
    QCOMPARE(marker.metaType(), QMetaType::fromType<QIcon>());
    QVERIFY(!marker.value<QIcon>().pixmap(16, 16).isNull());
}

void TestPayloadTreeModel::explanatoryRow_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("starts");

    QTest::addRow("not json") << QByteArray("hello, world") << u"Not JSON: "_s;
    QTest::addRow("truncated") << QByteArray(R"({"a": [1, 2)") << u"Not JSON: "_s;
    QTest::addRow("trailing garbage") << QByteArray(R"({"a": 1} x)") << u"Not JSON: "_s;
    QTest::addRow("invalid utf-8") << QByteArray("\"\xff\"") << u"Not JSON: "_s;
    QTest::addRow("100000 deep") << QByteArray(100000, '[') + QByteArray(100000, ']')
                                 << u"Not shown as a tree: nested 100000 levels deep"_s;
    QTest::addRow("100000 deep objects") << QByteArray(R"({"a":)").repeated(100000) + QByteArray(100000, '}')
                                         << u"Not shown as a tree: nested 100000 levels deep"_s;
    QTest::addRow("deep and broken") << QByteArray(5000, '[') << u"Not shown as a tree"_s;
}

void TestPayloadTreeModel::explanatoryRow()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, starts);

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(json, R"([{"kind":"schema","message":"m","pointer":"/0/0"}])");
    QVERIFY2(model.problem().startsWith(starts), qPrintable(model.problem()));
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex row = rootRow(model);
    QCOMPARE(row.data().toString(), u"(payload)"_s);
    QCOMPARE(text(model, row, Model::Value), model.problem());
    QCOMPARE(row.data(Qt::ToolTipRole).toString(), model.problem());
    QCOMPARE(model.rowCount(row), 0);
    QVERIFY(!model.hasChildren(row));
    QVERIFY(!row.data(Model::ErrorRole).toBool());
    QVERIFY(!model.indexForPointer(u""_s).isValid());
    QVERIFY(!model.indexForPointer(u"/0/0"_s, Model::PointerMatch::NearestAncestor).isValid());
}

void TestPayloadTreeModel::emptyPayload()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setPayload({}, R"([{"kind":"k","message":"m","pointer":""}])");
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.problem().isEmpty());
    QVERIFY(!model.indexForPointer(u""_s).isValid());
    // Unreadable errors and warnings are taken as none.
    model.setPayload("[1]", "not json", "{\"kind\":1}");
    QCOMPARE(model.rowCount(rootRow(model)), 1);
    QVERIFY(model.warnings().isEmpty());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestPayloadTreeModel::setPayloadTwice()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserts(&model, &QAbstractItemModel::rowsInserted);

    model.setPayload(R"({"a":{"b":1}})", R"([{"kind":"k","message":"bad b","pointer":"/a/b"}])");
    QCOMPARE(resets.size(), 1);
    QPersistentModelIndex b = model.indexForPointer(u"/a/b"_s);
    QVERIFY(b.data(Model::ErrorRole).toBool());

    model.setPayload(R"([{"x":true}])");
    QCOMPARE(resets.size(), 2);
    QCOMPARE(inserts.size(), 0); // lazy building emits nothing
    QVERIFY(!b.isValid());
    QVERIFY(!model.indexForPointer(u"/a/b"_s).isValid());
    const QModelIndex x = model.indexForPointer(u"/0/x"_s);
    QCOMPARE(x.data(Model::PathRole).toString(), u"[0].x"_s);
    QVERIFY(!x.data(Model::ErrorRole).toBool());
    QVERIFY(!rootRow(model).data(Model::HasErrorBelowRole).toBool());

    model.setPayload("nope");
    QCOMPARE(resets.size(), 3);
    model.setPayload(R"({"a":{"b":1}})");
    QCOMPARE(resets.size(), 4);
    QCOMPARE(model.indexForPointer(u"/a/b"_s).data(Model::ValueTextRole).toString(), u"1"_s);
    QVERIFY(model.problem().isEmpty());
}

void TestPayloadTreeModel::mainPing()
{
    const QByteArray ping = readDataFile(u"sample-pings/telemetry-main-ping-with-events.json"_s);
    QVERIFY(ping.size() > 300 * 1024);

    // Timed without a tester, which would walk the tree on the reset.
    {
        Model model;
        QElapsedTimer timer;
        timer.start();
        model.setPayload(ping);
        const QModelIndex root = rootRow(model);
        const int top = model.rowCount(root);
        const qint64 ns = timer.nsecsElapsed();
        qInfo("main ping, %lld bytes: setPayload + first level in %.1f ms", qint64(ping.size()),
              double(ns) / 1e6);
        QCOMPARE(top, 8);
        // Expanding everything is still cheap enough for a test.
        timer.restart();
        const int all = countAll(model, QModelIndex());
        qInfo("all %d nodes built in %.1f ms", all, double(timer.nsecsElapsed()) / 1e6);
        QCOMPARE(all, 14580);
    }

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(ping);
    QVERIFY(model.problem().isEmpty());
    const QModelIndex root = rootRow(model);
    QCOMPARE(keysUnder(model, root),
             (QStringList{u"application"_s, u"clientId"_s, u"creationDate"_s, u"environment"_s, u"id"_s,
                          u"payload"_s, u"type"_s, u"version"_s}));

    // A few levels down, the way a user would expand them.
    const QModelIndex payload = model.index(5, 0, root);
    QCOMPARE(text(model, payload, Model::Type), u"object"_s);
    const QModelIndex processes = model.index(keysUnder(model, payload).indexOf(u"processes"_s), 0, payload);
    QCOMPARE(keysUnder(model, processes), (QStringList{u"parent"_s, u"content"_s, u"gpu"_s}));
    const QModelIndex parent = model.index(0, 0, processes);
    const QModelIndex events = model.index(2, 0, parent);
    QCOMPARE(events.data().toString(), u"events"_s);
    QVERIFY(model.rowCount(events) > 1);
    const QModelIndex first = model.index(0, 0, events);
    QCOMPARE(text(model, first, Model::Value), u"[6]"_s);
    const QModelIndex extra = model.index(5, 0, first);
    QCOMPARE(extra.data(Model::PathRole).toString(), u"payload.processes.parent.events[0][5]"_s);
    QCOMPARE(extra.data(Model::PointerRole).toString(), u"/payload/processes/parent/events/0/5"_s);
    QCOMPARE(extra.data(Model::ValueTextRole).toString(), uR"({"engine":"google"})"_s);
    QCOMPARE(model.indexForPointer(u"/payload/processes/parent/events/0/5/engine"_s).parent(), extra);
    QCOMPARE(text(model, model.index(0, 0, first), Model::Value), u"12141232"_s);

    // The whole document copies as JSON, equal to the input.
    const QString all = root.data(Model::ValueTextRole).toString();
    QVERIFY(nlohmann::ordered_json::parse(all.toStdString()) ==
            nlohmann::ordered_json::parse(ping.begin(), ping.end()));
}

// A newtab ping from Firefox with a counter its table has no column for, ingested against the
// bundled registry: the engine's bq-column warning marks the metric's node (and only it), with
// its message, in the warning colour and with the warning marker; the ancestors are not marked.
void TestPayloadTreeModel::bigQueryColumnWarning()
{
    const PingRecord r = test::newtabWithUndeclaredCounter();
    QCOMPARE(r.verdict, u"valid"_s);
    QVERIFY2(r.warningsJson.contains("bq-column"), r.warningsJson.constData());

    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPayload(r.payload, r.errorsJson, r.warningsJson);
    const QString pointer = u"/metrics/counter/newtab.undeclared_clicks"_s;
    QCOMPARE(model.warningPointers(), QStringList{pointer});
    const QModelIndex node = model.indexForPointer(pointer);
    QVERIFY(node.isValid());
    QCOMPARE(
        node.data(Model::WarningRole).toString(),
        u"`metrics.counter.newtab.undeclared_clicks` is not a column of firefox_desktop.newtab_v1 (the table "
        u"has no counter metrics at all): it will land in additional_properties, where analysts rarely look"_s);
    QCOMPARE(node.siblingAtColumn(Model::Value).data(Qt::ToolTipRole).toString(),
             node.data(Model::WarningRole).toString());
    QCOMPARE(node.data(Qt::ForegroundRole).value<QColor>(), QColor(0xa0, 0x5a, 0x00));
    QCOMPARE(node.data(Qt::DecorationRole).metaType(), QMetaType::fromType<QIcon>());
    QVERIFY(!node.data(Model::ErrorRole).toBool());
    for (const QString &other : {u"/metrics/counter"_s, u"/metrics"_s, u"/metrics/string/newtab.locale"_s}) {
        const QModelIndex i = model.indexForPointer(other);
        QVERIFY2(i.isValid(), qPrintable(other));
        QVERIFY2(i.data(Model::WarningRole).toString().isEmpty(), qPrintable(other));
        QVERIFY2(!i.data(Qt::DecorationRole).isValid(), qPrintable(other));
    }
}

int main(int argc, char **argv)
{
    // The error marker is a pixmap, which needs a QGuiApplication; offscreen needs no display.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    TestPayloadTreeModel test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_payloadtreemodel.moc"
