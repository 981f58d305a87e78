// Package membudget is the memory budget that commands check declared
// sizes against before allocating (--max-memory): chip structures, trace
// buffers, training layers. A request over the budget is refused with an
// error that says what was asked for, how much it needs, the budget, and
// what to change.
//
// The default is half of the machine's RAM (MemTotal in /proc/meminfo):
// enough for any run the documentation describes, and low enough that a
// mistaken request fails at once instead of pushing the machine into swap
// or the kernel's out-of-memory killer. Where /proc/meminfo cannot be read
// (not Linux, a restricted container) the default is FallbackBytes.
package membudget
