package chip

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// byteUnits are the suffixes a *_bytes field accepts in Set, so that a
// sweep can say 64KiB rather than 65536. Binary prefixes only: synaptic
// memories are sized in powers of two, and "KB" would be ambiguous.
var byteUnits = []struct {
	suffix string
	scale  int
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// Set changes the field named by key (a YAML key, see ConfigKeys) to value,
// parsed as that field's type: an integer, a number, a name (routing: xy),
// or for *_bytes fields an integer with an optional KiB, MiB or GiB suffix.
// An unknown key or a value of the wrong type or unit is an error naming the
// key. Set does not validate the whole Config; SetAll does.
func (c *Config) Set(key, value string) error {
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	var field *configField
	fs := configFields()
	for i := range fs {
		if fs[i].key == key {
			field = &fs[i]
		}
	}
	if field == nil {
		return fmt.Errorf("chip: unknown key %q; valid keys: %s", key, strings.Join(ConfigKeys(), ", "))
	}
	v := reflect.ValueOf(c).Elem().Field(field.index)
	if u, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := u.UnmarshalText([]byte(value)); err != nil {
			return fmt.Errorf("chip: %s=%s: %v", key, value, strings.TrimPrefix(err.Error(), "chip: "))
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Int:
		n, err := parseInt(key, value)
		if err != nil {
			return err
		}
		v.SetInt(int64(n))
	case reflect.Uint64:
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			return fmt.Errorf("chip: %s=%s: want a non-negative integer", key, value)
		}
		v.SetUint(n)
	case reflect.Float64:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("chip: %s=%s: want a finite number (the unit is the one in the key's name)", key, value)
		}
		v.SetFloat(f)
	case reflect.String:
		v.SetString(value)
	default: // a new field type needs a case here; the test over ConfigKeys catches it
		return fmt.Errorf("chip: %s: field of type %s cannot be set from text", key, v.Type())
	}
	return nil
}

// parseInt reads an int field's value; *_bytes fields take a unit suffix.
func parseInt(key, value string) (int, error) {
	scale, num := 1, value
	if strings.HasSuffix(key, "_bytes") {
		for _, u := range byteUnits {
			if s, ok := strings.CutSuffix(value, u.suffix); ok {
				scale, num = u.scale, strings.TrimSpace(s)
				break
			}
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil {
		if strings.HasSuffix(key, "_bytes") {
			return 0, fmt.Errorf("chip: %s=%s: want an integer number of bytes, optionally with KiB, MiB or GiB", key, value)
		}
		return 0, fmt.Errorf("chip: %s=%s: want an integer (the unit is the one in the key's name)", key, value)
	}
	if n > math.MaxInt32/int64(scale) || n < math.MinInt32/int64(scale) {
		return 0, fmt.Errorf("chip: %s=%s: out of range", key, value)
	}
	return int(n) * scale, nil
}

// SetAll applies key=value items in order (a key given twice is an error)
// and validates the result. Errors are one line naming the item.
func (c Config) SetAll(items []string) (Config, error) {
	seen := map[string]string{}
	for _, it := range items {
		key, value, ok := strings.Cut(it, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return Config{}, fmt.Errorf("chip: --set %q is not key=value, e.g. axons_per_core=256", it)
		}
		if prev, dup := seen[key]; dup {
			return Config{}, fmt.Errorf("chip: --set %q: %s is already set by %q", it, key, prev)
		}
		seen[key] = it
		if err := c.Set(key, value); err != nil {
			return Config{}, err
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("chip: after --set: %s", oneLine(err))
	}
	return c, nil
}

// oneLine joins the lines of an errors.Join error with "; ".
func oneLine(err error) string {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		parts := make([]string, 0, len(j.Unwrap()))
		for _, e := range j.Unwrap() {
			parts = append(parts, oneLine(e))
		}
		return strings.Join(parts, "; ")
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
