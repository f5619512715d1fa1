// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QCommandLineParser>
#include <QString>

#include <cstdio>

namespace pingscope {

// One line to stdout / stderr, for the command-line modes.
inline void printOut(const QString &text)
{
    std::fputs(qPrintable(text + u'\n'), stdout);
}

inline void printErr(const QString &text)
{
    std::fputs(qPrintable(text + u'\n'), stderr);
}

// --help, --help-all (the same text: Pingscope has no Qt-specific options worth listing) and
// --version, the same in the program and every subcommand. True when one was given and printed.
inline bool printedHelpOrVersion(const QCommandLineParser &p)
{
    if (p.isSet(QStringLiteral("help")) || p.isSet(QStringLiteral("help-all"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        return true;
    }
    if (p.isSet(QStringLiteral("version"))) {
        std::printf("pingscope %s\n", PINGSCOPE_VERSION);
        return true;
    }
    return false;
}

// The subcommands; options of the program given before one of them are refused by name.
inline bool isSubcommand(const QString &word)
{
    return word == QLatin1StringView("validate") || word == QLatin1StringView("export-example") ||
           word == QLatin1StringView("check") || word == QLatin1StringView("replay") ||
           word == QLatin1StringView("diff") || word == QLatin1StringView("export") ||
           word == QLatin1StringView("import");
}

} // namespace pingscope
