package yamlstrict

import (
	"errors"
	"strings"
	"testing"
)

type config struct {
	MeshWidth int      `yaml:"mesh_width"`
	Name      string   `yaml:"name"`
	Layers    []string `yaml:"layers"`
}

// secret is a line a user would not want printed: a password-file entry
// and a token.
const secret = "root:$6$hQx9Zk2s$S3CR3Tpassw0rdHASH:19000:0:99999:7:::"

func TestDecodeNeverEchoesContent(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"a password file", secret + "\n", "line 1: an unknown key (in yamlstrict.config)"},
		{"a token line", "ghp_SECRETtoken AKIAIOSFODNN7\n", "line 1: found a string where yamlstrict.config was expected"},
		{"a token as a value", "mesh_width: AKIAIOSFODNN7SECRETKEY\n", "line 1: found a string where an integer was expected"},
		{"a token as a key", "AKIA/IOSFODNN7+SECRET=KEY: 1\n", "line 1: an unknown key (in yamlstrict.config)"},
		{"a list where a string is", "name: [AKIAIOSFODNN7SECRETKEY]\n", "line 1: found a list where a string was expected"},
		{"a mapping where a list is", "layers: {AKIAIOSFODNN7SECRETKEY: 1}\n", "line 1: found a mapping where a list was expected"},
		{"a duplicated secret key", "\"AKIA IOSFODNN7 SECRET\": 1\n\"AKIA IOSFODNN7 SECRET\": 2\n", "line 2: mapping key … already defined at line 1"},
		{"binary", "\x00\x01SECRET", "control characters are not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c config
			err := Decode([]byte(tc.doc), &c)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want it to contain %q", msg, tc.want)
			}
			for _, leak := range []string{"S3CR3T", "SECRET", "$6$", "AKIA"} {
				if strings.Contains(msg, leak) {
					t.Errorf("error %q echoes the file's content (%s)", msg, leak)
				}
			}
		})
	}
}

func TestDecodeNamesTypos(t *testing.T) {
	var c config
	err := Decode([]byte("name: a\nmesh_widht: 4\n"), &c)
	if err == nil || err.Error() != "line 2: unknown key mesh_widht (in yamlstrict.config)" {
		t.Errorf("got %v", err)
	}
}

func TestDecodeOneDocument(t *testing.T) {
	var c config
	err := Decode([]byte("name: a\n---\nname: b\n"), &c)
	if err == nil || err.Error() != "line 2: a second YAML document; the file must hold exactly one" {
		t.Errorf("second document: %v", err)
	}
	if err := Decode([]byte("# only a comment\n"), &c); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v, want ErrEmpty", err)
	}
	if err := Decode([]byte("name: a\nmesh_width: 3\n---\n"), &c); err != nil || c.MeshWidth != 3 {
		t.Errorf("a trailing document marker: %v, %+v", err, c)
	}
}

func TestCleanLeavesOtherErrors(t *testing.T) {
	e := errors.New(`not from yaml: "x y"`)
	if Clean(e) != e {
		t.Error("Clean changed an error that is not yaml.v3's")
	}
}
