// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// JSON Schema conformance, draft-04, draft-06 and draft-07: the cases under
// tests/data/jsonschema/draft<N>/<keyword>.json, in the JSON-Schema-Test-Suite layout
// ([{"description", "schema", "tests": [{"description", "data", "valid"}]}]). Every schema is
// compiled with the draft of its folder and every data item validated against it.
#include "validation/validation.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>

using namespace pingscope;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

QString casesDir()
{
    return QString::fromUtf8(PINGSCOPE_JSONSCHEMA_DIR);
}

struct Group
{
    int draft = 0;
    json schema;
    std::shared_ptr<CompiledSchema> compiled; // null when compiling failed
    QString compileError;
};

} // namespace

class TestJsonSchema : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cases_data();
    void cases();
    void cleanupTestCase();

private:
    std::vector<std::unique_ptr<Group>> m_groups;
    std::vector<json> m_data;
    std::map<int, std::pair<int, int>> m_tally; // draft -> (passed, run)
};

void TestJsonSchema::initTestCase()
{
    QVERIFY2(QDir(casesDir()).exists(), qPrintable(casesDir()));
}

void TestJsonSchema::cases_data()
{
    QTest::addColumn<int>("group");
    QTest::addColumn<int>("data");
    QTest::addColumn<bool>("valid");

    int files = 0;
    for (const int draft : {4, 6, 7}) {
        const QString folder = u"draft%1"_s.arg(draft);
        const QDir dir(casesDir() + u'/' + folder);
        for (const QString &name : dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name)) {
            QFile f(dir.filePath(name));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            const QByteArray bytes = f.readAll();
            json groups;
            try {
                groups = json::parse(bytes.begin(), bytes.end());
            } catch (const std::exception &e) {
                QFAIL(qPrintable(f.fileName() + u": "_s + QString::fromUtf8(e.what())));
            }
            QVERIFY2(groups.is_array(), qPrintable(f.fileName()));
            ++files;
            for (const json &g : groups) {
                auto group = std::make_unique<Group>();
                group->draft = draft;
                group->schema = g.at("schema");
                const int groupIndex = static_cast<int>(m_groups.size());
                const std::string groupName = g.at("description").get<std::string>();
                m_groups.push_back(std::move(group));
                for (const json &t : g.at("tests")) {
                    const int dataIndex = static_cast<int>(m_data.size());
                    m_data.push_back(t.at("data"));
                    const QString row = folder + u'/' + name + u": "_s + QString::fromStdString(groupName) +
                                        u" / "_s +
                                        QString::fromStdString(t.at("description").get<std::string>());
                    QTest::addRow("%s", qPrintable(row))
                        << groupIndex << dataIndex << t.at("valid").get<bool>();
                }
            }
        }
    }
    QVERIFY2(files >= 3, "no case files found");
}

void TestJsonSchema::cases()
{
    QFETCH(int, group);
    QFETCH(int, data);
    QFETCH(bool, valid);
    Group &g = *m_groups[static_cast<size_t>(group)];
    auto &tally = m_tally[g.draft];
    ++tally.second;
    if (!g.compiled && g.compileError.isEmpty()) {
        QString error;
        g.compiled = compileSchemaJson(g.schema, g.draft, &error, u"test case"_s);
        if (!g.compiled)
            g.compileError = error.isEmpty() ? u"(no reason given)"_s : error;
    }
    QVERIFY2(g.compiled, qPrintable(u"the schema does not compile: "_s + g.compileError));
    QCOMPARE(g.compiled->draft(), g.draft);

    Validator validator(nullptr);
    const ValidationOutcome out = validator.validateAgainst(*g.compiled, m_data[static_cast<size_t>(data)]);
    QStringList errors;
    for (const ValidationError &e : out.errors)
        errors << e.schemaPath + u": "_s + e.message;
    const bool got = out.kind == ValidationOutcome::Kind::Valid;
    QVERIFY2(got == valid,
             qPrintable(u"expected %1, got %2 %3"_s.arg(
                 valid ? u"valid"_s : u"invalid"_s, got ? u"valid"_s : u"invalid"_s, errors.join(u"; "_s))));
    if (!valid)
        QVERIFY2(!out.errors.isEmpty(), "invalid, but no error says why");
    ++tally.first;
}

void TestJsonSchema::cleanupTestCase()
{
    for (const auto &[draft, counts] : m_tally)
        qInfo("draft%d: %d of %d cases pass", draft, counts.first, counts.second);
}

QTEST_GUILESS_MAIN(TestJsonSchema)
#include "tst_jsonschema.moc"
