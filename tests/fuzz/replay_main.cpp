// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

// main() for builds without libFuzzer (e.g. g++): runs LLVMFuzzerTestOneInput over every file
// named on the command line, and over every regular file below each directory named there
// (recursively, in sorted order). A broken invariant aborts, so a failing input fails the run.
//
// Usage: fuzz_httpparser_replay <file-or-dir>...
// Exit status: 0 when every input ran, 1 when an argument cannot be read or no input was found.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace fs = std::filesystem;

namespace {

bool readFile(const fs::path &path, std::vector<uint8_t> &out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <corpus-file-or-dir>...\n", argv[0]);
        return 1;
    }
    std::vector<fs::path> inputs;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            std::vector<fs::path> found;
            for (fs::recursive_directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
                if (it->is_regular_file(ec))
                    found.push_back(it->path());
            }
            if (ec) {
                std::fprintf(stderr, "cannot list %s: %s\n", argv[i], ec.message().c_str());
                ok = false;
            }
            std::sort(found.begin(), found.end());
            inputs.insert(inputs.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "no such file or directory: %s\n", argv[i]);
            ok = false;
        }
    }

    std::vector<uint8_t> data;
    size_t ran = 0;
    for (const fs::path &path : inputs) {
        if (!readFile(path, data)) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            ok = false;
            continue;
        }
        // Print the name first so that the input that aborts is the last one in the log.
        std::fprintf(stderr, "Running: %s (%zu bytes)\n", path.c_str(), data.size());
        // A copy of exactly `size` bytes lets AddressSanitizer catch reads past the end.
        std::vector<uint8_t> exact(data.begin(), data.end());
        LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
        ++ran;
    }
    std::fprintf(stderr, "Executed %zu input(s)\n", ran);
    if (ran == 0) {
        std::fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return ok ? 0 : 1;
}
