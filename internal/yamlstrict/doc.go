// Package yamlstrict decodes configuration files (chip, model description,
// explore space) with the same rules everywhere:
//
//   - exactly one YAML document: a second one is an error naming its line,
//     as the energy loader has always done, not silently ignored;
//   - unknown keys are errors (yaml.v3's KnownFields);
//   - errors never echo the file's content. yaml.v3 quotes the offending
//     value in its messages ("cannot unmarshal !!str `root:x:0:0...` into
//     chip.Config"), so a file of another kind given by mistake would have
//     its first line printed. Decode keeps the line number and the kind of
//     problem, replaces every quoted value by "…", and keeps a quoted key
//     only when it looks like a configuration key (see keyLike), so that a
//     typo such as "mesh_widht" is still named.
package yamlstrict
