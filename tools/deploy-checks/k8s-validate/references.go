package main

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// workload is a Deployment's or DaemonSet's pod template, by namespace and name.
type workload struct {
	id        string
	namespace string
	template  corev1.PodTemplateSpec
	selector  *metav1.LabelSelector
}

// checkReferences returns one message per broken reference between the decoded objects.
func checkReferences(objects []runtime.Object) []string {
	var errs []string
	var workloads []workload
	configMaps := map[string]bool{}
	secrets := map[string]bool{}
	for _, obj := range objects {
		meta, err := metaOf(obj)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(meta.GetName()) {
			errs = append(errs, fmt.Sprintf("%T %q: name %s", obj, meta.GetName(), msg))
		}
		key := meta.GetNamespace() + "/" + meta.GetName()
		switch o := obj.(type) {
		case *appsv1.Deployment:
			workloads = append(workloads, workload{"Deployment " + o.Name, o.Namespace, o.Spec.Template, o.Spec.Selector})
		case *appsv1.DaemonSet:
			workloads = append(workloads, workload{"DaemonSet " + o.Name, o.Namespace, o.Spec.Template, o.Spec.Selector})
		case *corev1.ConfigMap:
			configMaps[key] = true
		case *corev1.Secret:
			secrets[key] = true
		}
	}
	for _, w := range workloads {
		errs = append(errs, checkWorkload(w, configMaps, secrets)...)
	}
	for _, obj := range objects {
		switch o := obj.(type) {
		case *corev1.Service:
			errs = append(errs, checkService(o, workloads)...)
		case *policyv1.PodDisruptionBudget:
			if o.Spec.Selector == nil {
				errs = append(errs, fmt.Sprintf("PodDisruptionBudget %s: no selector", o.Name))
				continue
			}
			if len(selecting(o.Namespace, o.Spec.Selector, workloads)) == 0 {
				errs = append(errs, fmt.Sprintf("PodDisruptionBudget %s: its selector matches no workload's pods", o.Name))
			}
		}
	}
	return errs
}

func metaOf(obj runtime.Object) (metav1.Object, error) {
	accessor, ok := obj.(metav1.Object)
	if !ok {
		return nil, fmt.Errorf("%T has no object metadata", obj)
	}
	return accessor, nil
}

func checkWorkload(w workload, configMaps, secrets map[string]bool) []string {
	var errs []string
	if w.selector == nil {
		return []string{fmt.Sprintf("%s: no selector", w.id)}
	}
	selector, err := metav1.LabelSelectorAsSelector(w.selector)
	if err != nil {
		return []string{fmt.Sprintf("%s: selector: %v", w.id, err)}
	}
	if !selector.Matches(labels.Set(w.template.Labels)) {
		errs = append(errs, fmt.Sprintf("%s: its selector does not match its own pod template's labels", w.id))
	}
	for _, c := range w.template.Spec.Containers {
		if c.Image == "" {
			errs = append(errs, fmt.Sprintf("%s container %s: no image", w.id, c.Name))
		}
		for name, probe := range map[string]*corev1.Probe{"livenessProbe": c.LivenessProbe, "readinessProbe": c.ReadinessProbe} {
			if probe == nil || probe.HTTPGet == nil {
				errs = append(errs, fmt.Sprintf("%s container %s: no %s with httpGet", w.id, c.Name, name))
				continue
			}
			if !declaresPort(c, probe.HTTPGet.Port) {
				errs = append(errs, fmt.Sprintf("%s container %s: %s port %s is not one of its ports", w.id, c.Name, name, probe.HTTPGet.Port.String()))
			}
		}
		for _, from := range c.EnvFrom {
			if from.ConfigMapRef != nil && !optional(from.ConfigMapRef.Optional) && !configMaps[w.namespace+"/"+from.ConfigMapRef.Name] {
				errs = append(errs, fmt.Sprintf("%s container %s: ConfigMap %s is not in the build", w.id, c.Name, from.ConfigMapRef.Name))
			}
			if from.SecretRef != nil && !optional(from.SecretRef.Optional) && !secrets[w.namespace+"/"+from.SecretRef.Name] {
				errs = append(errs, fmt.Sprintf("%s container %s: Secret %s is not in the build", w.id, c.Name, from.SecretRef.Name))
			}
		}
		for _, env := range c.Env {
			if env.ValueFrom == nil {
				continue
			}
			if ref := env.ValueFrom.SecretKeyRef; ref != nil && !optional(ref.Optional) && !secrets[w.namespace+"/"+ref.Name] {
				errs = append(errs, fmt.Sprintf("%s container %s: env %s reads Secret %s, which is not in the build", w.id, c.Name, env.Name, ref.Name))
			}
			if ref := env.ValueFrom.ConfigMapKeyRef; ref != nil && !optional(ref.Optional) && !configMaps[w.namespace+"/"+ref.Name] {
				errs = append(errs, fmt.Sprintf("%s container %s: env %s reads ConfigMap %s, which is not in the build", w.id, c.Name, env.Name, ref.Name))
			}
		}
	}
	for _, v := range w.template.Spec.Volumes {
		if v.ConfigMap != nil && !optional(v.ConfigMap.Optional) && !configMaps[w.namespace+"/"+v.ConfigMap.Name] {
			errs = append(errs, fmt.Sprintf("%s volume %s: ConfigMap %s is not in the build", w.id, v.Name, v.ConfigMap.Name))
		}
		if v.Secret != nil && !optional(v.Secret.Optional) && !secrets[w.namespace+"/"+v.Secret.SecretName] {
			errs = append(errs, fmt.Sprintf("%s volume %s: Secret %s is not in the build", w.id, v.Name, v.Secret.SecretName))
		}
	}
	return errs
}

func checkService(s *corev1.Service, workloads []workload) []string {
	if len(s.Spec.Selector) == 0 {
		return []string{fmt.Sprintf("Service %s: no selector", s.Name)}
	}
	matched := selecting(s.Namespace, &metav1.LabelSelector{MatchLabels: s.Spec.Selector}, workloads)
	if len(matched) == 0 {
		return []string{fmt.Sprintf("Service %s: its selector matches no workload's pods", s.Name)}
	}
	var errs []string
	for _, port := range s.Spec.Ports {
		target := port.TargetPort
		if target.Type == intstr.Int && target.IntVal == 0 {
			target = intstr.FromInt32(port.Port)
		}
		for _, w := range matched {
			found := false
			for _, c := range w.template.Spec.Containers {
				if declaresPort(c, target) {
					found = true
				}
			}
			if !found {
				errs = append(errs, fmt.Sprintf("Service %s port %s: no container of %s has it", s.Name, target.String(), w.id))
			}
		}
	}
	return errs
}

func selecting(namespace string, selector *metav1.LabelSelector, workloads []workload) []workload {
	sel, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil || sel.Empty() {
		return nil
	}
	var matched []workload
	for _, w := range workloads {
		if w.namespace == namespace && sel.Matches(labels.Set(w.template.Labels)) {
			matched = append(matched, w)
		}
	}
	return matched
}

func declaresPort(c corev1.Container, port intstr.IntOrString) bool {
	for _, p := range c.Ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return true
		}
	}
	return false
}

func optional(flag *bool) bool { return flag != nil && *flag }
