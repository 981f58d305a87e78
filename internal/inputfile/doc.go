// Package inputfile opens the files a user names on the command line or in
// a description (chip, energy, model and space YAML, weights archives) so
// that no file can hang, exhaust memory or be mistaken for another kind:
//
//   - the path must name a regular file: directories, devices such as
//     /dev/zero, FIFOs and sockets are refused before they are opened
//     (opening a FIFO would block until a writer appears);
//   - its size must be within the maximum of its Kind (docs/reliability.md,
//     "Limits and budgets", gives each with its reason), checked before
//     reading, and the read itself goes through an io.LimitReader so a file
//     that grows while it is read cannot exceed the bound either.
//
// Errors name the path, the kind of file expected and the limit; they
// never contain the file's bytes.
package inputfile
