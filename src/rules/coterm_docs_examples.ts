// CoTerm's documented config examples, verbatim: coterm_docs_test.ts checks that they behave
// as the docs describe, subset_differential_test.ts that they are decided without Lua.

export const ISSUE_EXAMPLE = `process_config:
  default_actions: ["record", "process_info"]
  commands:
    - command: "kubectl"
      lints:
        - |
          if has_arg("scale") and flags.context == nil then
            return string.format("No kubectl context specified (effective context: '%s').", k8s_context)
          end
      rules:
        - rule: |
            local ctx = flags.context or k8s_current_context or "unknown"
            return has_arg("scale") and ctx:match("prod"), "Proceed with caution.", "Check the rollback plan."
          actions: ["record", "logs", "process_info", "approval"]
        - rule: has_arg("scale")
          actions: ["record", "process_info"]
        - rule: true
          actions: []
enable_telemetry: false
enable_ptrace: false
`;

export const DOC_RULES_EXAMPLE = `process_config:
  commands:
    - command: "kubectl"
      lints:
        - |
          if has_arg("scale") and flags.context == nil then
            return string.format("No kubectl context specified (effective context: '%s'). It is recommended to always explicitly specify the context when running \`kubectl scale\`.", k8s_context)
          end
      rules:
        - rule: |
            local k8s_context = flags.context or k8s_current_context or "unknown"
            local matches = has_arg("scale") and k8s_context:match("prod")
            local user_message = "Proceed with caution. This command may disrupt your Kubernetes cluster setup."
            local approver_message = "Ensure that the user has documented a rollback plan before approving."
            return matches, user_message, approver_message
          actions: ["record", "process_info", "approval"]
        - rule: has_arg("scale")
          actions: ["record", "process_info"]
        - rule: true
          actions: []
`;
