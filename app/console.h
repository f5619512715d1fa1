#pragma once

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

} // namespace pingscope
