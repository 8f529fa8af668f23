// Command k8s-validate builds each kustomization given on the command line with kustomize's own library (the code
// behind `kustomize build`) and decodes every object it yields strictly into the official Kubernetes API types
// (k8s.io/api): an unknown or duplicate field, a value of the wrong type, or a kind this program does not know is an
// error. Then it checks how the objects refer to each other: every workload container has liveness and readiness
// probes on a port it declares, every Service and PodDisruptionBudget selects a workload's pods (and a Service's
// target port is one of theirs), and every ConfigMap and Secret a pod reads is part of the build.
//
// Usage: k8s-validate DIR...  Prints one JSON object per DIR on stdout ({dir, objects, errors}); exit status 1 when
// any DIR has a problem, 2 on bad usage.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// Object names one decoded object in the report.
type Object struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// Report is what is printed for one kustomization.
type Report struct {
	Dir     string   `json:"dir"`
	Objects []Object `json:"objects"`
	Errors  []string `json:"errors"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8s-validate KUSTOMIZATION_DIR...")
		os.Exit(2)
	}
	decoder := strictDecoder()
	failed := false
	for _, dir := range os.Args[1:] {
		report := validate(dir, decoder)
		if len(report.Errors) > 0 {
			failed = true
		}
		line, err := json.Marshal(report)
		if err != nil {
			panic(err)
		}
		fmt.Println(string(line))
	}
	if failed {
		os.Exit(1)
	}
}

// strictDecoder decodes YAML or JSON into the registered API types and fails on unknown or duplicate fields.
func strictDecoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme,
		kjson.SerializerOptions{Yaml: true, Strict: true})
}

// validate runs `kustomize build DIR` in process, decodes each object strictly and checks their references.
func validate(dir string, decoder runtime.Decoder) Report {
	report := Report{Dir: dir, Objects: []Object{}, Errors: []string{}}
	kustomizer := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resources, err := kustomizer.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		report.Errors = append(report.Errors, fmt.Sprintf("kustomize build: %v", err))
		return report
	}
	var decoded []runtime.Object
	for _, resource := range resources.Resources() {
		id := fmt.Sprintf("%s %s", resource.GetKind(), resource.GetName())
		yaml, err := resource.AsYAML()
		if err != nil {
			report.Errors = append(report.Errors, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		obj, _, err := decoder.Decode(yaml, nil, nil)
		if err != nil {
			report.Errors = append(report.Errors, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		decoded = append(decoded, obj)
		report.Objects = append(report.Objects, Object{
			Kind: resource.GetKind(), Name: resource.GetName(), Namespace: resource.GetNamespace(),
		})
	}
	report.Errors = append(report.Errors, checkReferences(decoded)...)
	return report
}
