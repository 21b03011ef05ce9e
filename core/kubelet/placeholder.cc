// Placeholder so the kubelet library exists before its first source lands.
