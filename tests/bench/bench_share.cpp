// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// Sharing a large capture: fills a store with N pings of the Firefox ESR capture mix (as
// bench_store does), then runs the real `pingscope export` to NDJSON and to HAR and `pingscope
// import` of the NDJSON into a fresh store, each as a child process, so that the figures are
// what a user waits for. For each step: seconds, pings/s, bytes written and the peak RSS of the
// process doing the work (wait4's ru_maxrss of that child, started by a small launcher process;
// the fill's is this process's VmHWM). Checks that the export has N lines (HAR: N entries) and that the
// import stored N pings; exits 1 when not. Prints a table and, last, one JSON line. No network.
//
//   build/dev/tests/bench/pingscope_bench_share [pings=100000] [PINGSCOPE_BIN] [DIR]
// PINGSCOPE_BIN defaults to ../../app/pingscope next to this program; DIR keeps the files
// there (default: a temporary folder, removed at the end).

#include "store/store.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

using namespace pingscope;
using namespace pingscope::test;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kChildTimeoutMs = 30 * 60 * 1000; // a step that takes longer is a hang

struct ChildRun
{
    int exitCode = -1; // -1: did not start, killed or crashed
    double seconds = 0;
    qint64 maxRssKb = 0;
};

// Runs `args` with stdout and stderr to files, waits with wait4 for its exit code and peak RSS.
// Called only in the launcher (see Launcher): Linux carries the peak RSS of the process that
// spawns across exec into the child's, so a child of this large process would never report less
// than this process's own peak.
ChildRun spawnAndWait(std::vector<std::string> args, const std::string &out, const std::string &err)
{
    ChildRun run;
    std::vector<char *> argv;
    for (std::string &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    QElapsedTimer t;
    t.start();
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        std::fprintf(stderr, "cannot start %s: %s\n", argv[0], std::strerror(spawned));
        return run;
    }
    int status = 0;
    rusage usage{};
    for (;;) {
        // Polled so that a hang ends; 2 ms is nothing beside steps of seconds.
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR) {
            std::fprintf(stderr, "wait4: %s\n", std::strerror(errno));
            return run;
        }
        if (t.elapsed() > kChildTimeoutMs) {
            std::fprintf(stderr, "%s still running after %lld s: killed\n", argv[0],
                         static_cast<long long>(kChildTimeoutMs / 1000));
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &usage);
            run.seconds = double(t.nsecsElapsed()) / 1e9;
            return run;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    run.seconds = double(t.nsecsElapsed()) / 1e9;
    run.maxRssKb = usage.ru_maxrss; // KiB on Linux
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

// A process forked at the start of main, while this one is still small, that starts the
// steps' children and sends back how each went. Requests: the fields (stdout path, stderr path,
// argv...) each ending in '\0', then an empty field.
class Launcher
{
public:
    bool start()
    {
        int request[2], reply[2];
        if (pipe(request) != 0 || pipe(reply) != 0)
            return false;
        const pid_t pid = fork();
        if (pid < 0)
            return false;
        if (pid == 0) {
            close(request[1]);
            close(reply[0]);
            serve(request[0], reply[1]);
            _exit(0);
        }
        close(request[0]);
        close(reply[1]);
        m_pid = pid;
        m_request = request[1];
        m_reply = reply[0];
        return true;
    }
    ~Launcher()
    {
        if (m_pid <= 0)
            return;
        close(m_request); // end of requests: the launcher exits
        close(m_reply);
        waitpid(m_pid, nullptr, 0);
    }
    ChildRun run(const QStringList &args, const QString &out, const QString &err)
    {
        std::string message;
        for (const QString &field : QStringList{out, err} + args)
            message += field.toLocal8Bit().toStdString() + '\0';
        message += '\0';
        ChildRun result;
        if (!writeAll(m_request, message.data(), message.size()) || !readAll(m_reply, &result, sizeof result))
            return {};
        return result;
    }

private:
    static bool writeAll(int fd, const void *data, size_t n)
    {
        for (const char *p = static_cast<const char *>(data); n > 0;) {
            const ssize_t w = write(fd, p, n);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return false;
            p += w;
            n -= size_t(w);
        }
        return true;
    }
    static bool readAll(int fd, void *data, size_t n)
    {
        for (char *p = static_cast<char *>(data); n > 0;) {
            const ssize_t r = read(fd, p, n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return false;
            p += r;
            n -= size_t(r);
        }
        return true;
    }
    static void serve(int in, int out)
    {
        std::vector<std::string> fields;
        std::string field;
        char c = 0;
        while (readAll(in, &c, 1)) {
            if (c != '\0') {
                field += c;
                continue;
            }
            if (!field.empty()) {
                fields.push_back(std::move(field));
                field.clear();
                continue;
            }
            ChildRun r;
            if (fields.size() >= 3)
                r = spawnAndWait({fields.begin() + 2, fields.end()}, fields[0], fields[1]);
            if (!writeAll(out, &r, sizeof r))
                return;
            fields.clear();
        }
    }

    pid_t m_pid = -1;
    int m_request = -1, m_reply = -1;
};

qint64 storeBytes(const QString &db)
{
    qint64 n = 0;
    for (const char *suffix : {"", "-wal", "-shm"})
        n += QFileInfo(db + QLatin1StringView(suffix)).size();
    return n;
}

// Lines of a file, and those that start with '{' (HAR: the entries and the prologue), read a
// few MB at a time.
std::pair<qint64, qint64> countLines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {-1, -1};
    qint64 lines = 0, braces = 0;
    bool atStart = true;
    for (;;) {
        const QByteArray chunk = f.read(4 << 20);
        if (chunk.isEmpty())
            break;
        for (const char c : chunk) {
            if (atStart && c == '{')
                ++braces;
            atStart = c == '\n';
            lines += atStart ? 1 : 0;
        }
    }
    return {lines, braces};
}

qint64 storedCount(const QString &db)
{
    qint64 n = -1;
    {
        QSqlDatabase c = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"count"_s);
        c.setDatabaseName(db);
        c.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(u"SELECT count(*) FROM pings"_s) && q.next())
                n = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(u"count"_s);
    return n;
}

QString loadAverage()
{
    QFile f(u"/proc/loadavg"_s);
    if (!f.open(QIODevice::ReadOnly))
        return u"?"_s;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() >= 3 ? QString::fromLatin1(QByteArray(parts[0] + ' ' + parts[1] + ' ' + parts[2]))
                             : u"?"_s;
}

struct Step
{
    QString name;
    double seconds = 0;
    qint64 bytes = 0;
    qint64 rssKb = 0;
    qint64 count = 0; // lines, entries or stored pings
    bool ok = true;
};

} // namespace

int main(int argc, char **argv)
{
    Launcher launcher; // before anything big, and before any thread
    if (!launcher.start()) {
        std::fprintf(stderr, "cannot start the launcher process: %s\n", std::strerror(errno));
        return 2;
    }
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100'000;
    const QString bin = argc > 2
                            ? QString::fromLocal8Bit(argv[2])
                            : QDir(QCoreApplication::applicationDirPath()).filePath(u"../../app/pingscope"_s);
    if (!QFileInfo(bin).isExecutable()) {
        std::fprintf(stderr, "pingscope binary not found: %s (build the pingscope target or give its path)\n",
                     qPrintable(bin));
        return 2;
    }
    QTemporaryDir tmp;
    const QDir dir(argc > 3 ? QString::fromLocal8Bit(argv[3]) : tmp.path());
    const QString db = dir.filePath(u"share.pingscope"_s), db2 = dir.filePath(u"imported.pingscope"_s);
    const QString ndjson = dir.filePath(u"share.ndjson"_s), har = dir.filePath(u"share.har"_s);
    for (const QString &f : {db, db2})
        for (const char *suffix : {"", "-wal", "-shm", ".lock"})
            QFile::remove(f + QLatin1StringView(suffix));
    const QString loadBefore = loadAverage();
    std::vector<Step> steps;
    // What a child reports at least, whatever it does: the launcher's own size at the spawn.
    const qint64 floorKb =
        launcher.run({u"/bin/true"_s}, dir.filePath(u"true.out"_s), dir.filePath(u"true.err"_s)).maxRssKb;

    const std::vector<PingRecord> templates = firefoxMixTemplates();
    if (templates.empty()) {
        std::fprintf(stderr, "no Firefox ESR captures found (PINGSCOPE_TEST_DATA_DIR)\n");
        return 2;
    }
    QElapsedTimer t;
    t.start();
    {
        QString error;
        auto store = Store::open(db, Store::Options{0}, &error);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        fillStore(*store, templates, n);
    }
    steps.push_back({u"fill (in process, for scale)"_s, double(t.nsecsElapsed()) / 1e9, storeBytes(db),
                     procStatusKb("VmHWM:"), storedCount(db)});
    steps.back().ok = steps.back().count == n;

    const QString out = dir.filePath(u"child.out"_s), err = dir.filePath(u"child.err"_s);
    const auto failed = [&](const ChildRun &r, const char *what) {
        if (r.exitCode == 0)
            return false;
        QFile e(err);
        const QByteArray said = e.open(QIODevice::ReadOnly) ? e.read(2000) : QByteArray();
        std::fprintf(stderr, "%s exited with %d: %s\n", what, r.exitCode, said.constData());
        return true;
    };

    for (const auto &[format, file] : {std::pair{u"ndjson"_s, ndjson}, std::pair{u"har"_s, har}}) {
        const ChildRun r = launcher.run(
            {bin, u"export"_s, u"--db"_s, db, u"--format"_s, format, u"--output"_s, file}, out, err);
        const auto [lines, braces] = countLines(file);
        Step s{u"export --format "_s + format, r.seconds, QFileInfo(file).size(), r.maxRssKb,
               format == u"har" ? braces - 1 : lines};
        s.ok = !failed(r, "export") && s.count == n;
        steps.push_back(s);
    }

    const ChildRun r = launcher.run({bin, u"import"_s, u"--db"_s, db2, ndjson}, out, err);
    Step s{u"import of the NDJSON"_s, r.seconds, storeBytes(db2), r.maxRssKb, storedCount(db2)};
    s.ok = !failed(r, "import") && s.count == n;
    steps.push_back(s);

    const QString loadAfter = loadAverage();
    bool allOk = true;
    std::printf("%d pings (%zu captures), load average %s before, %s after, %u cores\n\n", n,
                templates.size(), qPrintable(loadBefore), qPrintable(loadAfter),
                std::thread::hardware_concurrency());
    {
        QFile o(out);
        if (o.open(QIODevice::ReadOnly))
            std::printf("pingscope import said: %s\n", o.readLine(500).trimmed().constData());
    }
    std::printf("peak RSS of a child running /bin/true (the floor): %.1f MB\n", double(floorKb) / 1024);
    std::printf("| step | seconds | pings/s | bytes written | bytes/ping | peak RSS | count | ok |\n"
                "|---|---|---|---|---|---|---|---|\n");
    QJsonArray json;
    for (const Step &st : steps) {
        allOk = allOk && st.ok;
        std::printf("| %s | %.2f | %.0f | %lld (%.1f MB) | %.0f | %.1f MB | %lld | %s |\n",
                    qPrintable(st.name), st.seconds, n / st.seconds, static_cast<long long>(st.bytes),
                    double(st.bytes) / (1 << 20), double(st.bytes) / n, double(st.rssKb) / 1024,
                    static_cast<long long>(st.count), st.ok ? "yes" : "**no**");
        json.append(QJsonObject{{u"step"_s, st.name},
                                {u"seconds"_s, st.seconds},
                                {u"pings_per_s"_s, n / st.seconds},
                                {u"bytes"_s, st.bytes},
                                {u"peak_rss_kb"_s, st.rssKb},
                                {u"count"_s, st.count},
                                {u"ok"_s, st.ok}});
    }
    const QJsonObject summary{{u"bench"_s, u"share"_s},
                              {u"pings"_s, n},
                              {u"load_before"_s, loadBefore},
                              {u"rss_floor_kb"_s, floorKb},
                              {u"load_after"_s, loadAfter},
                              {u"steps"_s, json},
                              {u"ok"_s, allOk}};
    std::printf("\n%s\n", QJsonDocument(summary).toJson(QJsonDocument::Compact).constData());
    return allOk ? 0 : 1;
}
