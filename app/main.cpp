// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "checkcli.h"
#include "diffcli.h"
#include "engine.h"
#include "examplecli.h"
#if PINGSCOPE_WITH_GUI
#include "mainwindow.h"
#endif
#include "options.h"
#include "replaycli.h"
#include "sharecli.h"
#include "validatecli.h"

#if PINGSCOPE_WITH_GUI
#include <QApplication>
#endif
#include <QCoreApplication>
#include <QSettings>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace pingscope;

namespace {

int s_signalFds[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(s_signalFds[0], &c, 1);
}

// SIGINT/SIGTERM end the event loop cleanly, so queued pings are committed before exit.
void installQuitOnSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalFds) != 0)
        return;
    auto *notifier = new QSocketNotifier(s_signalFds[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char c;
        [[maybe_unused]] auto n = ::read(s_signalFds[1], &c, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

bool wantsConsoleOnly(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView a(argv[i]);
        if (a == "--headless" || a == "--help" || a == "-h" || a == "--help-all" || a == "--version" ||
            a == "-v")
            return true;
    }
    return false;
}

void warnAboutListenAddress(const AppOptions &opts)
{
    if (opts.listenWarning)
        std::fprintf(stderr,
                     "warning: listening on %s, not a loopback address: other machines can send pings "
                     "to this endpoint; the query API needs its token\n",
                     qPrintable(opts.engine.capture.address.toString()));
    if (opts.tokenGenerated)
        std::fprintf(stderr, "query API token (Authorization: Bearer ...): %s\n",
                     opts.engine.capture.apiToken.constData());
}

int runHeadless(QCoreApplication &app, const AppOptions &opts)
{
    warnAboutListenAddress(opts);
    Engine engine;
    QString error;
    if (!engine.start(opts.engine, &error)) {
        std::fprintf(stderr, "pingscope: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("Pingscope %s capturing on %s\n", PINGSCOPE_VERSION, qPrintable(engine.endpointUrl()));
    std::printf("store: %s\n", qPrintable(engine.store()->path()));
    std::printf("query API: %s/pingscope/v1/pings\n", qPrintable(engine.endpointUrl()));
    if (const auto schemas = engine.schemas())
        std::printf("schemas: %lld loaded%s%s\n", static_cast<long long>(schemas->size()),
                    schemas->roots().isEmpty() ? "" : " from ", qPrintable(schemas->roots().join(u", "_s)));
    else
        std::printf("schemas: validation off\n");
    for (const auto &e : engine.schemaLoadErrors())
        std::fprintf(stderr, "schema not loaded: %s: %s\n", qPrintable(e.path), qPrintable(e.reason));
    std::fflush(stdout);
    QObject::connect(&engine, &Engine::storeProblem, &app, [](const QString &message, bool failing) {
        std::fprintf(stderr, "pingscope: %s%s\n", failing ? "error: " : "", qPrintable(message));
    });
    QObject::connect(&engine, &Engine::storeFileGone, &app, [](const QString &) {
        std::fprintf(stderr, "pingscope: restart pingscope to make a new store file and capture again\n");
    });
    QObject::connect(&engine, &Engine::storeSpaceLow, &app, [](qint64 used, qint64 max) {
        std::fprintf(stderr,
                     "pingscope: warning: the store holds %s of its %s limit (--max-store-size); at the "
                     "limit pings are answered 507 and not kept\n",
                     qPrintable(formatBytes(used)), qPrintable(formatBytes(max)));
    });
    installQuitOnSignals(app);
    const int rc = app.exec();
    engine.stop();
    return rc;
}

// --headless, --help, --version (and every start of a build without the window).
int runConsole(int argc, char **argv)
{
    // Without a GUI there is nothing to integrate with GLib's main loop; Qt's own event
    // dispatcher costs less per socket event.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    AppOptions opts;
    int exitCode = 0;
    if (!parseCommandLine(app.arguments(), opts, exitCode))
        return exitCode;
    return runHeadless(app, opts);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setOrganizationName(u"Pingscope"_s);
    QCoreApplication::setApplicationName(u"pingscope"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PINGSCOPE_VERSION));

    if (argc >= 2 && QByteArrayView(argv[1]) == "validate") {
        QCoreApplication app(argc, argv);
        return runValidateCommand(app.arguments().mid(1));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "check") {
        qputenv("QT_NO_GLIB", "1");
        QCoreApplication app(argc, argv);
        return runCheckCommand(app.arguments().mid(2));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "replay") {
        QCoreApplication app(argc, argv);
        return runReplayCommand(app.arguments().mid(1));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "diff") {
        QCoreApplication app(argc, argv);
        return runDiffCommand(app.arguments().mid(2));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "export") {
        QCoreApplication app(argc, argv);
        return runExportCommand(app.arguments().mid(2));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "import") {
        QCoreApplication app(argc, argv);
        return runImportCommand(app.arguments().mid(2));
    }
    if (argc >= 2 && QByteArrayView(argv[1]) == "export-example") {
        QCoreApplication app(argc, argv);
        return runExportExampleCommand(app.arguments().mid(1));
    }
    if (wantsConsoleOnly(argc, argv))
        return runConsole(argc, argv);

#if PINGSCOPE_WITH_GUI
    // The window: read the command line before Qt connects to a display, so that a usage error
    // is an error message and exit code 2, not an abort in the platform plugin.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    AppOptions opts;
    int exitCode = 0;
    if (!parseCommandLine(arguments, opts, exitCode))
        return exitCode;
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fprintf(stderr,
                     "pingscope: no display (DISPLAY and WAYLAND_DISPLAY are unset): run with --headless "
                     "for the endpoint, store and query API without a window, or set QT_QPA_PLATFORM\n");
        return 2;
    }
    QApplication app(argc, argv);
    QApplication::setDesktopFileName(u"org.pingscope.Pingscope"_s);
    warnAboutListenAddress(opts);
    installQuitOnSignals(app);
    // Schema folders chosen in the window are remembered; --schemas on the command line wins.
    if (opts.engine.schemaRoots.isEmpty())
        opts.engine.schemaRoots = QSettings().value(u"schemaRoots"_s).toStringList();
    // The last store reopens at start unless --db names one.
    if (!opts.dbGiven && !QSettings().value(u"lastStore"_s).toString().isEmpty())
        opts.engine.dbPath = QSettings().value(u"lastStore"_s).toString();
    MainWindow window(opts.engine);
    window.show();
    return app.exec();
#else
    // A build without the window (PINGSCOPE_GUI=OFF): headless is the only mode.
    std::fprintf(stderr,
                 "pingscope: this build has no window (built with PINGSCOPE_GUI=OFF); running headless\n");
    return runConsole(argc, argv);
#endif
}
