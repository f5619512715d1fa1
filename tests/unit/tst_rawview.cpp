// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ping/decode.h"
#include "ping/ping.h"
#include "rawview.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QShortcut>
#include <QTest>
#include <QTextBlock>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

// A gzip member made from qCompress's zlib stream (Qt's 4-byte length, 2-byte zlib header,
// raw deflate, 4-byte Adler-32), so the test needs no zlib of its own.
QByteArray gzip(const QByteArray &data)
{
    const QByteArray z = qCompress(data, 9);
    const QByteArray deflate = z.mid(6, z.size() - 10);
    quint32 crc = 0xffffffffu;
    for (const char ch : data) {
        crc ^= static_cast<unsigned char>(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xffffffffu;
    QByteArray out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
    out += deflate;
    const quint32 size = quint32(data.size());
    for (const quint32 v : {crc, size})
        for (int i = 0; i < 4; ++i)
            out += char((v >> (8 * i)) & 0xff);
    return out;
}

PingRecord jsonPing(const QByteArray &payload)
{
    PingRecord r;
    r.body = payload;
    r.payload = payload;
    return r;
}

// What ingest records for a body that does not parse.
PingRecord notJsonPing(const QByteArray &body, qint64 *offset = nullptr)
{
    PingRecord r;
    r.body = body;
    const GunzipResult gz = gunzipIfGzip(body, 1 << 20);
    const QByteArray decoded = gz.status == GunzipResult::Status::Ok ? gz.data : body;
    nlohmann::json doc;
    JsonParseError pe;
    if (parseJson(decoded, doc, pe))
        qFatal("test body parses");
    if (offset)
        *offset = pe.byteOffset;
    nlohmann::json errors = nlohmann::json::array();
    errors.push_back(
        {{"kind", "json"},
         {"offset", pe.byteOffset},
         {"line", pe.line},
         {"column", pe.column},
         {"message", QString(u"not JSON at byte %1: "_s.arg(pe.byteOffset) + pe.message).toStdString()}});
    r.errorsJson = QByteArray::fromStdString(errors.dump());
    r.verdict = u"not-json"_s;
    return r;
}

// "s" holds a non-ASCII character and an escaped quote.
const QByteArray kSmall =
    "{\"z\":1,\"a\":[true,null,{\"b\":\"x\"}],\"e\":{},\"f\":[],\"n\":-1.5,\"s\":\"\xc3\xa9\\\"q\"}";

} // namespace

class TestRawView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prettyTextKeepsKeyOrder();
    void lineForPointer();
    void pointerEscapes();
    void revealPointerMovesCursor();
    void notJsonShowsHexWithErrorByte();
    void gzipNotJsonShowsDecodedBytes();
    void corruptGzipShowsRawBody();
    void findCountsAndMoves();
    void findKeyboard();
    void largeMainPingLoadsFast();
    void veryDeepPayloadDoesNotCrash();
};

void TestRawView::prettyTextKeepsKeyOrder()
{
    RawView v;
    v.setPing(jsonPing(kSmall));
    QCOMPARE(v.mode(), RawView::Mode::Json);
    const QString expected = uR"({
  "z": 1,
  "a": [
    true,
    null,
    {
      "b": "x"
    }
  ],
  "e": {},
  "f": [],
  "n": -1.5,
  "s": "é\"q"
})"_s;
    QCOMPARE(v.text(), expected);
    QVERIFY(v.errorMessage().isEmpty());
    QVERIFY(v.textView()->isReadOnly());
    // Same as nlohmann's own pretty printer.
    QCOMPARE(v.text(), QString::fromStdString(nlohmann::ordered_json::parse(kSmall.toStdString()).dump(2)));
}

void TestRawView::lineForPointer()
{
    RawView v;
    v.setPing(jsonPing(kSmall));
    QCOMPARE(v.lineForPointer(QString()), 1);
    QCOMPARE(v.lineForPointer(u"/z"_s), 2);
    QCOMPARE(v.lineForPointer(u"/a"_s), 3);
    QCOMPARE(v.lineForPointer(u"/a/0"_s), 4);
    QCOMPARE(v.lineForPointer(u"/a/1"_s), 5);
    QCOMPARE(v.lineForPointer(u"/a/2"_s), 6);
    QCOMPARE(v.lineForPointer(u"/a/2/b"_s), 7);
    QCOMPARE(v.lineForPointer(u"/e"_s), 10);
    QCOMPARE(v.lineForPointer(u"/f"_s), 11);
    QCOMPARE(v.lineForPointer(u"/s"_s), 13);
    QCOMPARE(v.lineForPointer(u"#/a/2/b"_s), 7);
    QCOMPARE(v.lineForPointer(u"/a/3"_s), -1);
    QCOMPARE(v.lineForPointer(u"/nope"_s), -1);
    QCOMPARE(v.lineForPointer(u"/z/0"_s), -1);
}

void TestRawView::pointerEscapes()
{
    RawView v;
    v.setPing(jsonPing(R"({"a/b":{"c~d":[1,{"~1":"/"}]},"":{"x y":0}})"));
    // 1 {   2 "a/b": {   3 "c~d": [   4 1,   5 {   6 "~1": "/"   7 }   8 ]   9 },
    // 10 "": {   11 "x y": 0   12 }   13 }
    QCOMPARE(v.lineForPointer(u"/a~1b"_s), 2);
    QCOMPARE(v.lineForPointer(u"/a~1b/c~0d"_s), 3);
    QCOMPARE(v.lineForPointer(u"/a~1b/c~0d/0"_s), 4);
    QCOMPARE(v.lineForPointer(u"/a~1b/c~0d/1"_s), 5);
    QCOMPARE(v.lineForPointer(u"/a~1b/c~0d/1/~01"_s), 6);
    QCOMPARE(v.lineForPointer(u"/"_s), 10);
    QCOMPARE(v.lineForPointer(u"//x y"_s), 11);
    QCOMPARE(v.lineForPointer(u"/a/b"_s), -1);
    QCOMPARE(v.lineForPointer(u"/a~1b/c~d"_s), -1);
}

void TestRawView::revealPointerMovesCursor()
{
    RawView v;
    v.resize(400, 200);
    QByteArray big = "{";
    for (int i = 0; i < 300; ++i)
        big += "\"k" + QByteArray::number(i) + "\":" + QByteArray::number(i) + ',';
    big += "\"deep\":{\"x\":[0,{\"target\":true}]}}";
    v.setPing(jsonPing(big));
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    const int line = v.lineForPointer(u"/deep/x/1/target"_s);
    QCOMPARE(line, 306);
    QVERIFY(v.revealPointer(u"/deep/x/1/target"_s));
    const QTextCursor c = v.textView()->textCursor();
    QCOMPARE(c.blockNumber() + 1, line);
    QCOMPARE(c.selectedText(), u"        \"target\": true"_s);
    // Scrolled into view.
    const QRect r = v.textView()->cursorRect();
    QVERIFY(v.textView()->viewport()->rect().contains(r.center()));
    QVERIFY(!v.revealPointer(u"/missing"_s));
}

void TestRawView::notJsonShowsHexWithErrorByte()
{
    RawView v;
    const QByteArray body = R"({"alpha": 1, "beta": 2 oops, "gamma": 3})";
    qint64 offset = -1;
    v.setPing(notJsonPing(body, &offset));
    QCOMPARE(v.mode(), RawView::Mode::Hex);
    QCOMPARE(offset, body.indexOf("oops"));
    QVERIFY(v.errorMessage().contains(u"not JSON at byte %1"_s.arg(offset)));
    QVERIFY(!v.findChild<QLabel *>()->isHidden());

    const QStringList lines = v.text().split(u'\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0],
             u"00000000  7b 22 61 6c 70 68 61 22  3a 20 31 2c 20 22 62 65  |{\"alpha\": 1, \"be|"_s);
    QVERIFY(lines[1].startsWith(u"00000010  "_s));
    QVERIFY(lines[2].endsWith(u'|' + QString::fromLatin1(body.mid(32)) + u'|'));
    QCOMPARE(lines[2].indexOf(u'|'), RawView::asciiColumnOf(0) - 1);

    const auto sels = v.textView()->extraSelections();
    QVERIFY(!sels.isEmpty());
    const QTextCursor c = sels.first().cursor;
    const QTextBlock block = v.textView()->document()->findBlock(c.selectionStart());
    QCOMPARE(block.blockNumber(), int(offset / 16));
    QCOMPARE(c.selectionStart() - block.position(), RawView::hexColumnOf(int(offset % 16)));
    QCOMPARE(c.selectedText(), u"6f"_s); // 'o'
    QCOMPARE(sels.at(1).cursor.selectedText(), u"o"_s);
    // Scrolled to the error byte.
    QCOMPARE(v.textView()->textCursor().blockNumber(), int(offset / 16));

    QVERIFY(v.revealOffset(0));
    QCOMPARE(v.textView()->textCursor().selectedText(), u"7b"_s);
    QVERIFY(!v.revealOffset(body.size()));
}

void TestRawView::gzipNotJsonShowsDecodedBytes()
{
    RawView v;
    const QByteArray plain = "hello, not json at all";
    qint64 offset = -1;
    v.setPing(notJsonPing(gzip(plain), &offset));
    QCOMPARE(v.mode(), RawView::Mode::Hex);
    QVERIFY(v.text().startsWith(
        u"00000000  68 65 6c 6c 6f 2c 20 6e  6f 74 20 6a 73 6f 6e 20  |hello, not json |"_s));
    QVERIFY(v.text().contains(u"|at all|"_s));
    QVERIFY(v.errorMessage().contains(u"after gunzip"_s));
    const auto sels = v.textView()->extraSelections();
    QVERIFY(!sels.isEmpty());
    QCOMPARE(sels.first().cursor.selectedText(), QString::fromLatin1(plain.mid(offset, 1).toHex()));
}

void TestRawView::corruptGzipShowsRawBody()
{
    RawView v;
    PingRecord r;
    r.body = gzip("{\"a\":1}").left(12);
    r.errorsJson = R"([{"kind":"encoding","message":"gzip stream is truncated"}])";
    v.setPing(r);
    QCOMPARE(v.mode(), RawView::Mode::Hex);
    QVERIFY(v.text().startsWith(u"00000000  1f 8b 08 00"_s));
    QVERIFY(v.errorMessage().contains(u"gzip stream is truncated"_s));
    QVERIFY(v.textView()->extraSelections().isEmpty());
}

void TestRawView::findCountsAndMoves()
{
    RawView v;
    v.setPing(jsonPing(R"({"Foo":"foo bar","x":["FOO",1],"y":"nothing"})"));
    v.setFindText(u"foo"_s);
    QVERIFY(v.isFindBarVisible());
    QCOMPARE(v.matchCount(), 3);
    QCOMPARE(v.currentMatch(), 0);
    QCOMPARE(v.textView()->textCursor().selectedText(), u"Foo"_s);
    QCOMPARE(v.textView()->extraSelections().size(), 3);
    v.findNext();
    QCOMPARE(v.currentMatch(), 1);
    QCOMPARE(v.textView()->textCursor().selectedText(), u"foo"_s);
    QCOMPARE(v.textView()->textCursor().blockNumber(), 1);
    v.findNext();
    QCOMPARE(v.textView()->textCursor().selectedText(), u"FOO"_s);
    QCOMPARE(v.textView()->textCursor().blockNumber(), 3);
    v.findNext();
    QCOMPARE(v.currentMatch(), 0); // wraps
    v.findPrevious();
    QCOMPARE(v.currentMatch(), 2);
    v.setFindText(u"zzz"_s);
    QCOMPARE(v.matchCount(), 0);
    QCOMPARE(v.currentMatch(), -1);
    v.setFindText(QString());
    QCOMPARE(v.matchCount(), 0);
}

void TestRawView::findKeyboard()
{
    // The window has its own Ctrl+F (the list filter); inside the view, the view's wins.
    QWidget window;
    int windowFinds = 0;
    auto *windowFind = new QShortcut(QKeySequence::Find, &window);
    connect(windowFind, &QShortcut::activated, this, [&] { ++windowFinds; });
    auto *layout = new QVBoxLayout(&window);
    auto *other = new QLineEdit(&window);
    layout->addWidget(other);
    auto *raw = new RawView(&window);
    layout->addWidget(raw);
    RawView &v = *raw;
    v.setPing(jsonPing(R"({"Foo":"foo bar","x":["FOO",1]})"));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    other->setFocus();
    QTest::keyClick(other, Qt::Key_F, Qt::ControlModifier);
    QCOMPARE(windowFinds, 1);
    QVERIFY(!v.isFindBarVisible());
    v.textView()->setFocus();
    QTest::keyClick(v.textView(), Qt::Key_F, Qt::ControlModifier);
    QVERIFY(v.isFindBarVisible());
    QCOMPARE(windowFinds, 1);
    auto *edit = v.findChild<QLineEdit *>();
    QVERIFY(edit);
    QTRY_VERIFY(edit->hasFocus());
    QTest::keyClicks(edit, u"foo"_s);
    QCOMPARE(v.matchCount(), 3);
    QCOMPARE(v.currentMatch(), 0);
    QTest::keyClick(edit, Qt::Key_Return);
    QCOMPARE(v.currentMatch(), 1);
    QTest::keyClick(edit, Qt::Key_Return, Qt::ShiftModifier);
    QCOMPARE(v.currentMatch(), 0);
    QTest::keyClick(edit, Qt::Key_Escape);
    QVERIFY(!v.isFindBarVisible());
    QVERIFY(v.textView()->extraSelections().isEmpty());
}

void TestRawView::largeMainPingLoadsFast()
{
    QFile f(QStringLiteral(PINGSCOPE_TEST_DATA_DIR) +
            u"/sample-pings/telemetry-main-ping-with-events.json"_s);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray payload = f.readAll();
    QVERIFY(payload.size() > 300 * 1024);
    RawView v;
    v.resize(900, 700);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    QElapsedTimer t;
    t.start();
    v.setPing(jsonPing(payload));
    const qint64 setMs = t.elapsed();
    QCoreApplication::processEvents(); // pending highlighting and layout
    const qint64 totalMs = t.elapsed();
    qInfo("telemetry main ping (%lld bytes): setPing %lld ms, shown %lld ms, %d lines",
          qint64(payload.size()), setMs, totalMs, v.textView()->document()->blockCount());
    QCOMPARE(v.mode(), RawView::Mode::Json);
    QCOMPARE(v.text(), QString::fromStdString(nlohmann::ordered_json::parse(payload.toStdString()).dump(2)));
    QCOMPARE(v.lineForPointer(QString()), 1);
    for (const QString &pointer :
         {u"/type"_s, u"/payload/processes/parent/scalars"_s, u"/environment/system"_s}) {
        const int line = v.lineForPointer(pointer);
        QVERIFY2(line > 1, qPrintable(pointer));
        const QString key = pointer.section(u'/', -1);
        QVERIFY(v.textView()->document()->findBlockByNumber(line - 1).text().trimmed().startsWith(u'"' + key +
                                                                                                  u"\": "_s));
    }
    QVERIFY(v.revealPointer(u"/environment/system"_s));
    QVERIFY(totalMs < 3000); // the target is < 300 ms; a loose bound keeps slow CI machines green
}

void TestRawView::veryDeepPayloadDoesNotCrash()
{
    const int depth = 100000;
    QByteArray deep = QByteArray(depth, '[') + QByteArray(depth, ']');
    RawView v;
    v.setPing(jsonPing(deep));
    QCOMPARE(v.mode(), RawView::Mode::JsonText);
    QCOMPARE(v.text().size(), 2 * depth);
    QCOMPARE(v.lineForPointer(QString()), -1);
    QVERIFY(!v.errorMessage().isEmpty());
    v.setFindText(u"[]"_s);
    QCOMPARE(v.matchCount(), 1);
    QVERIFY(v.revealOffset(depth));
    QCOMPARE(v.textView()->textCursor().selectedText(), u"]"_s);

    // The same, broken: shown as hex.
    deep.chop(1);
    v.setPing(notJsonPing(deep));
    QCOMPARE(v.mode(), RawView::Mode::Hex);
    QCOMPARE(v.textView()->document()->blockCount(), (2 * depth - 1 + 15) / 16);
}

QTEST_MAIN(TestRawView)
#include "tst_rawview.moc"
