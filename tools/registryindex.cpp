// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// pingscope-registry-index: turns the schemas/ folder of mozilla-pipeline-schemas' generated-schemas
// branch into Pingscope's registry index (resources/registry/registry.json). Run it through
// tools/update-registry, which also unpacks tarballs and reads the commit of a checkout.
#include "validation/registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Builds Pingscope's registry index from a generated-schemas schemas/ folder."_s);
    parser.addHelpOption();
    parser.addOption({u"commit"_s, u"Commit of the generated-schemas branch."_s, u"sha"_s});
    parser.addOption(
        {u"date"_s, u"Snapshot date (ISO 8601, UTC); default: the newest file time."_s, u"date"_s});
    parser.addOption({u"source"_s, u"What the snapshot is, in words."_s, u"text"_s,
                      u"mozilla-services/mozilla-pipeline-schemas generated-schemas"_s});
    parser.addPositionalArgument(u"schemas"_s, u"The schemas/ folder."_s);
    parser.addPositionalArgument(u"out"_s, u"The index file to write."_s);
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        std::fputs("usage: pingscope-registry-index [--commit SHA] [--date ISO] SCHEMAS_DIR OUT\n", stderr);
        return 2;
    }
    pingscope::RegistrySnapshot snap{parser.value(u"commit"_s), parser.value(u"date"_s),
                                     parser.value(u"source"_s)};
    QString error;
    const QByteArray index = pingscope::buildRegistryIndex(args[0], snap, &error);
    if (index.isEmpty()) {
        std::fprintf(stderr, "pingscope-registry-index: %s\n", qPrintable(error));
        return 1;
    }
    QSaveFile out(args[1]);
    if (!out.open(QIODevice::WriteOnly) || out.write(index) != index.size() || !out.commit()) {
        std::fprintf(stderr, "pingscope-registry-index: %s: %s\n", qPrintable(args[1]),
                     qPrintable(out.errorString()));
        return 1;
    }
    QString check;
    const auto reg = pingscope::PipelineRegistry::fromIndex(index, &check);
    if (!reg) {
        std::fprintf(stderr, "pingscope-registry-index: the index does not read back: %s\n",
                     qPrintable(check));
        return 1;
    }
    std::printf("%s: %lld namespaces, %lld schema versions, snapshot %s, %lld bytes\n", qPrintable(args[1]),
                static_cast<long long>(reg->namespaceCount()), static_cast<long long>(reg->entryCount()),
                qPrintable(reg->describe()), static_cast<long long>(index.size()));
    return 0;
}
