// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// The store's packed texts (packedtext.h): every value reads back byte for byte; what must not
// be packed is not; damaged values read as empty; and the headers real clients sent shrink.
#include "store/packedtext.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include <random>

using namespace pingscope;
using namespace Qt::StringLiterals;

class TestPackedText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void realHeadersRoundTripAndShrink();
    void edgeCases();
    void randomTexts();
};

// The header blocks of every captured request (Firefox ESR and Glean.js), as the store
// writes them ("Name: value\r\n" each).
void TestPackedText::realHeadersRoundTripAndShrink()
{
    qint64 plain = 0, packed = 0;
    int n = 0;
    for (const char *client : {"firefox-esr", "gleanjs"}) {
        QDir dir(test::dataDir() + u"/captured-requests/"_s + QLatin1StringView(client));
        const QStringList metas = dir.entryList({u"*.meta.json"_s}, QDir::Files, QDir::Name);
        QVERIFY2(!metas.isEmpty(), qPrintable(dir.path()));
        for (const QString &m : metas) {
            QFile f(dir.filePath(m));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const auto meta = nlohmann::json::parse(f.readAll().toStdString());
            QByteArray text;
            const auto &raw = meta.at("rawHeaders");
            for (size_t i = 0; i + 1 < raw.size(); i += 2)
                text += QByteArray::fromStdString(raw[i].get<std::string>()) + ": " +
                        QByteArray::fromStdString(raw[i + 1].get<std::string>()) + "\r\n";
            const QByteArray p = packText(text, PackedKind::Headers);
            QCOMPARE(unpackText(p), text);
            QVERIFY(p.size() <= text.size());
            plain += text.size();
            packed += p.size();
            ++n;
        }
    }
    // Measured: the 44 blocks pack from 24,094 to 5,973 bytes (a quarter).
    qInfo("%d header blocks: %lld -> %lld bytes", n, plain, packed);
    QVERIFY2(packed * 3 < plain, qPrintable(u"%1 -> %2"_s.arg(plain).arg(packed)));
}

void TestPackedText::edgeCases()
{
    // Short texts and JSON that does not shrink stay as they are (old rows read the same).
    for (const QByteArray &t :
         {QByteArray(), QByteArray("[]"), QByteArray("{}"), QByteArray("Host: h\r\n")}) {
        QCOMPARE(packText(t, PackedKind::Json), t);
        QCOMPARE(packText(t, PackedKind::Headers), t);
        QCOMPARE(unpackText(t), t);
        QVERIFY(!isPackedText(t));
    }
    // A text that itself starts with the marker byte is always packed, so it reads back.
    const QByteArray marked = QByteArray("\x01") + "not packed, but looks so";
    for (const QByteArray &m : {marked, QByteArray("\x02"
                                                   "also")}) {
        QVERIFY(isPackedText(packText(m, PackedKind::Json)));
        QCOMPARE(unpackText(packText(m, PackedKind::Json)), m);
        QCOMPARE(unpackText(packText(m, PackedKind::Headers)), m);
    }
    // Warnings as the store writes them.
    const QByteArray warnings =
        R"([{"kind":"seq","message":"ping_info.seq 4 was already sent by this client for baseline (ping #12): a re-send or a cloned profile"}])";
    const QByteArray p = packText(warnings, PackedKind::Json);
    QCOMPARE(unpackText(packText(warnings, PackedKind::Headers)), warnings); // any kind reads back
    QVERIFY(isPackedText(p));
    QVERIFY2(p.size() * 3 < warnings.size(), qPrintable(QString::number(p.size())));
    QCOMPARE(unpackText(p), warnings);
    // Damaged: truncated, or garbage after the marker.
    QCOMPARE(unpackText(p.left(p.size() / 2)), QByteArray());
    QCOMPARE(unpackText(QByteArray("\x01\xff\xfe\xfd", 4)), QByteArray());
    // Still fine after a damaged one (the thread's stream was reset).
    QCOMPARE(unpackText(p), warnings);
}

void TestPackedText::randomTexts()
{
    std::mt19937 rng(5);
    for (int i = 0; i < 300; ++i) {
        QByteArray t(int(rng() % 3000), Qt::Uninitialized);
        const bool binary = i % 3 == 0;
        for (char &c : t)
            c = binary ? char(rng()) : "abcdefghij: \r\n{}\",0123"[rng() % 23];
        const QByteArray p = packText(t, i % 2 ? PackedKind::Json : PackedKind::Headers);
        QCOMPARE(unpackText(p), t);
        QVERIFY(p.size() <= t.size() || isPackedText(t));
    }
}

QTEST_GUILESS_MAIN(TestPackedText)
#include "tst_packedtext.moc"
