// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace pingscope {

// One --expect of `pingscope check`: [NAMESPACE/]DOCTYPE[=N|>=N] ("events" alone is events>=1).
struct CheckExpectation
{
    QString spec; // as written
    QString ns;   // empty: any namespace
    QString docType;
    bool exactly = false; // "=N"; otherwise ">=N"
    int count = 1;
};

// nullopt (and *error set) when `spec` is not of that form.
std::optional<CheckExpectation> parseCheckExpectation(const QString &spec, QString *error);

// Whether a ping's namespace or docType names the same as an expectation's: case and the
// separators "-", "_", "." do not matter (org.mozilla.fenix = org-mozilla-fenix).
bool sameCheckName(const QString &a, const QString &b);

// pingscope check [options] [-- COMMAND [ARGS...]]: the CI gate. `args` starts after "check".
// Runs its own event loop; returns the process exit code (0 pass, 1 fail, 2 usage or start error).
int runCheckCommand(const QStringList &args);

} // namespace pingscope
