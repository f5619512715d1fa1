// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "ping/submitpath.h"

#include <QTest>

using namespace pingscope;
using namespace Qt::StringLiterals;
using Form = SubmitPath::Form;

class TestSubmitPath : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void uuid_data();
    void uuid();
};

void TestSubmitPath::parse_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("form");
    QTest::addColumn<QString>("ns");
    QTest::addColumn<QString>("docType");
    QTest::addColumn<QString>("docVersion");
    QTest::addColumn<QString>("docId");
    QTest::addColumn<QString>("problemContains");

    const QString id = QStringLiteral("e8067695-a20e-4a8d-81a8-a11b44f1c75c");
    auto add = [](const char *name, const QByteArray &path, const QByteArray &query, Form form,
                  const QString &ns, const QString &dt, const QString &dv, const QString &di,
                  const QString &problem) {
        QTest::addRow("%s", name) << path << query << int(form) << ns << dt << dv << di << problem;
    };
    add("glean", "/submit/firefox-desktop/baseline/1/e8067695-a20e-4a8d-81a8-a11b44f1c75c", "", Form::Generic,
        u"firefox-desktop"_s, u"baseline"_s, u"1"_s, id, {});
    add("digits in names", "/submit/org-mozilla-fenix2/nimbus-targeting-context/12/" + id.toLatin1(), "",
        Form::Generic, u"org-mozilla-fenix2"_s, u"nimbus-targeting-context"_s, u"12"_s, id, {});
    add("upper-case uuid", "/submit/a/b/1/E8067695-A20E-4A8D-81A8-A11B44F1C75C", "", Form::Generic, u"a"_s,
        u"b"_s, u"1"_s, u"E8067695-A20E-4A8D-81A8-A11B44F1C75C"_s, {});
    add("telemetry", "/submit/telemetry/" + id.toLatin1() + "/main/Firefox/153.7.0/esr/20261103151912", "v=4",
        Form::Telemetry, u"telemetry"_s, u"main"_s, QString(), id, {});
    add("telemetry v=4 among others", "/submit/telemetry/" + id.toLatin1() + "/main/Firefox/1/esr/2",
        "x=1&v=4", Form::Telemetry, u"telemetry"_s, u"main"_s, QString(), id, {});
    add("telemetry without v",
        "/submit/telemetry/" + id.toLatin1() + "/main/Firefox/153.7.0/esr/20261103151912", "", Form::Invalid,
        u"telemetry"_s, u"main"_s, QString(), id, u"v=4"_s);
    add("telemetry v=3", "/submit/telemetry/" + id.toLatin1() + "/main/Firefox/153.7.0/esr/20261103151912",
        "v=3", Form::Invalid, u"telemetry"_s, u"main"_s, QString(), id, u"v=4"_s);
    add("telemetry too few parts", "/submit/telemetry/" + id.toLatin1() + "/main/Firefox", "v=4",
        Form::Invalid, u"telemetry"_s, u"main"_s, QString(), id, u"has 3 path parts"_s);
    add("telemetry too many parts", "/submit/telemetry/" + id.toLatin1() + "/main/a/b/c/d/e", "v=4",
        Form::Invalid, u"telemetry"_s, u"main"_s, QString(), id, u"has 7 path parts"_s);
    add("telemetry docId not uuid", "/submit/telemetry/nope/main/Firefox/1/esr/2", "v=4", Form::Invalid,
        u"telemetry"_s, u"main"_s, QString(), u"nope"_s, u"not a UUID"_s);
    add("too few parts", "/submit/a/b/1", "", Form::Invalid, u"a"_s, u"b"_s, u"1"_s, QString(),
        u"has 2 path parts"_s);
    add("too many parts", "/submit/a/b/1/" + id.toLatin1() + "/extra", "", Form::Invalid, u"a"_s, u"b"_s,
        u"1"_s, id, u"has 4 path parts"_s);
    add("trailing slash", "/submit/a/b/1/" + id.toLatin1() + "/", "", Form::Invalid, u"a"_s, u"b"_s, u"1"_s,
        id, u"has 4 path parts"_s);
    add("empty part", "/submit/a//1/" + id.toLatin1(), "", Form::Invalid, u"a"_s, QString(u""_s), u"1"_s, id,
        u"empty path part"_s);
    add("docId not uuid", "/submit/a/b/1/12345", "", Form::Invalid, u"a"_s, u"b"_s, u"1"_s, u"12345"_s,
        u"not a UUID"_s);
    add("docId uuid without dashes", "/submit/a/b/1/e8067695a20e4a8d81a8a11b44f1c75c", "", Form::Invalid,
        u"a"_s, u"b"_s, u"1"_s, u"e8067695a20e4a8d81a8a11b44f1c75c"_s, u"not a UUID"_s);
    add("no namespace", "/submit/", "", Form::Invalid, QString(), QString(), QString(), QString(),
        u"missing namespace"_s);
    add("bare submit", "/submit", "", Form::Invalid, QString(), QString(), QString(), QString(),
        u"unknown URL prefix"_s);
    add("unknown prefix", "/collect/a/b/1/" + id.toLatin1(), "", Form::Invalid, QString(), QString(),
        QString(), QString(), u"unknown URL prefix"_s);
    // The decoder splits the uri attribute as the edge recorded it, undecoded (ParseUri.java):
    // "a%2Db" is not the namespace "a-b" (so a percent-encoded name is never found registered),
    // and %2F does not add a path part.
    add("percent-encoded", "/submit/a%2Db/c/1/" + id.toLatin1(), "", Form::Generic, u"a%2Db"_s, u"c"_s,
        u"1"_s, id, {});
    add("encoded slash", "/submit/a%2Fb/c/1/" + id.toLatin1(), "", Form::Generic, u"a%2Fb"_s, u"c"_s, u"1"_s,
        id, {});
}

void TestSubmitPath::parse()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, query);
    QFETCH(int, form);
    QFETCH(QString, ns);
    QFETCH(QString, docType);
    QFETCH(QString, docVersion);
    QFETCH(QString, docId);
    QFETCH(QString, problemContains);
    const SubmitPath sp = parseSubmitPath(path, query);
    QCOMPARE(int(sp.form), form);
    QCOMPARE(sp.ns, ns);
    QCOMPARE(sp.docType, docType);
    QCOMPARE(sp.docVersion, docVersion);
    QCOMPARE(sp.docId, docId);
    if (problemContains.isEmpty()) {
        QVERIFY2(sp.isValid(), qPrintable(sp.problem));
    } else {
        QVERIFY(!sp.isValid());
        QVERIFY2(sp.problem.contains(problemContains), qPrintable(sp.problem));
    }
    if (sp.form == Form::Telemetry) {
        QCOMPARE(sp.appName.isEmpty(), false);
        QCOMPARE(sp.appBuildId.isEmpty(), false);
    }
}

void TestSubmitPath::uuid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addRow("lower") << u"0bdceb73-b220-43ee-804e-7834e5499c3f"_s << true;
    QTest::addRow("upper") << u"0BDCEB73-B220-43EE-804E-7834E5499C3F"_s << true;
    QTest::addRow("short") << u"0bdceb73-b220-43ee-804e-7834e5499c3"_s << false;
    QTest::addRow("bad char") << u"0bdceb73-b220-43ee-804e-7834e5499c3g"_s << false;
    QTest::addRow("dash misplaced") << u"0bdceb73b-220-43ee-804e-7834e5499c3f"_s << false;
    QTest::addRow("empty") << QString() << false;
}

void TestSubmitPath::uuid()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isUuid(text), valid);
}

QTEST_GUILESS_MAIN(TestSubmitPath)
#include "tst_submitpath.moc"
