#include "pinglistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace pingscope;
using namespace Qt::StringLiterals;

namespace {

std::vector<PingRecord> batch(qint64 firstId, int n)
{
    std::vector<PingRecord> out;
    for (qint64 id = firstId + n - 1; id >= firstId; --id) { // newest first
        PingRecord r;
        r.id = id;
        r.ns = u"app"_s;
        r.docType = u"baseline"_s;
        r.docId = u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s;
        r.verdict = id % 4 == 0 ? u"not-json"_s : u"parsed"_s;
        r.errorCount = id % 4 == 0 ? 1 : 0;
        r.bodyBytes = 490;
        r.decodedBytes = 839;
        out.push_back(r);
    }
    return out;
}

} // namespace

class TestPingListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void batchesPrependNewestFirst();
};

void TestPingListModel::batchesPrependNewestFirst()
{
    PingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.prepend(batch(1, 10));
    model.prepend(batch(11, 5));
    QCOMPARE(inserted.count(), 2); // one insertion per batch
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), 15);
    QCOMPARE(model.idAt(0), 15);
    QCOMPARE(model.idAt(14), 1);
    QCOMPARE(model.newestId(), 15);
    QCOMPARE(model.invalidCount(), 3); // ids 4, 8, 12
    QCOMPARE(model.data(model.index(0, PingListModel::DocId)).toString(), u"e8067695"_s);
    QCOMPARE(model.data(model.index(0, PingListModel::DocId), Qt::ToolTipRole).toString(),
             u"e8067695-a20e-4a8d-81a8-a11b44f1c75c"_s);
    QCOMPARE(model.data(model.index(3, PingListModel::Verdict)).toString(), u"not-json (1)"_s);
    QVERIFY(model.data(model.index(0, PingListModel::Size)).toString().contains(u"/"_s));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.invalidCount(), 0);
}

QTEST_GUILESS_MAIN(TestPingListModel)
#include "tst_pinglistmodel.moc"
