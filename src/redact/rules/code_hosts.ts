/** Code hosts, package registries, CI and developer tooling. */
import { validCrc32Token } from "../checksum.ts";
import { shannonEntropy } from "../entropy.ts";
import { type Gen, LOWER } from "../gen.ts";
import { B, E, prefixed } from "./common.ts";
import type { Rule } from "./types.ts";

const E2 = "(?![A-Za-z0-9_-])";

/**
 * CRC-checked tokens: a valid checksum proves the format; a random-looking body without one
 * is still masked (a synthetic or mistyped token leaks as much), a low-entropy one is not.
 */
function crcOrRandom(prefixLen: number) {
  return (s: string) => {
    const body = s.slice(prefixLen);
    return validCrc32Token(body) || shannonEntropy(body) >= 4.2;
  };
}

/** A 36-character body that fails the CRC and has low entropy: a made-up example. */
function fakeBody(g: Gen): string {
  return ("aB3" + g.pick(["x", "y", "z"])).repeat(9);
}

const github = (id: string, prefix: string, what: string): Rule =>
  prefixed({
    id,
    description: `GitHub ${what} (${prefix}, CRC-32 checked)`,
    keywords: [prefix],
    regex: `${B}(?<s>${prefix}[0-9A-Za-z]{36})${E}`,
    keep: 4,
    envName: "GITHUB_TOKEN",
    minEntropy: 2,
    validate: crcOrRandom(4),
    make: (g) => prefix + g.crcToken(),
    fp: (g) => [`${prefix}${fakeBody(g)}\n`, `${prefix}${g.alnum(20)} truncated\n`],
  });

const gitlab = (id: string, prefix: string, body: string, what: string, make: (g: Gen) => string) =>
  prefixed({
    id,
    description: `GitLab ${what} (${prefix})`,
    keywords: [prefix],
    regex: `${B}(?<s>${prefix.replace(/[.-]/g, "\\$&")}${body})${E2}`,
    keep: Math.min(prefix.length, 7),
    envName: "GITLAB_TOKEN",
    make: (g) => prefix + make(g),
    fp: () => [`${prefix}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n`],
  });

export const codeHostRules: Rule[] = [
  github("github-pat", "ghp_", "personal access token (classic)"),
  github("github-oauth-token", "gho_", "OAuth access token"),
  github("github-user-to-server-token", "ghu_", "user-to-server token"),
  github("github-app-token", "ghs_", "app installation (server-to-server) token"),
  github("github-refresh-token", "ghr_", "refresh token"),
  prefixed({
    id: "github-fine-grained-pat",
    description: "GitHub fine-grained personal access token (github_pat_)",
    keywords: ["github_pat_"],
    regex: `${B}(?<s>github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})${E}`,
    keep: 7,
    envName: "GH_TOKEN",
    make: (g) => `github_pat_${g.alnum(22)}_${g.alnum(59)}`,
    fp: () => ["github_pat_EXAMPLE\n"],
  }),
  gitlab(
    "gitlab-pat",
    "glpat-",
    String.raw`[0-9A-Za-z_\-.]{20,}`,
    "personal access token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-pipeline-trigger-token",
    "glptt-",
    "[0-9a-f]{40}",
    "pipeline trigger token",
    (g) => g.hex(40),
  ),
  gitlab(
    "gitlab-runner-token",
    "glrt-",
    String.raw`[0-9A-Za-z_\-.]{20,}`,
    "runner token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-runner-registration-token",
    "GR1348941",
    String.raw`[0-9A-Za-z_\-]{20}`,
    "runner registration token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-deploy-token",
    "gldt-",
    String.raw`[0-9A-Za-z_\-]{20,}`,
    "deploy token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-feed-token",
    "glft-",
    String.raw`[0-9A-Za-z_\-]{20,}`,
    "feed token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-scim-token",
    "glsoat-",
    String.raw`[0-9A-Za-z_\-]{20,}`,
    "SCIM token",
    (g) => g.b64url(20),
  ),
  gitlab(
    "gitlab-cicd-job-token",
    "glcbt-",
    String.raw`[0-9a-zA-Z_\-]{20,}`,
    "CI/CD job token",
    (g) => `${g.int(9)}_${g.b64url(20)}`,
  ),
  gitlab(
    "gitlab-incoming-mail-token",
    "glimt-",
    String.raw`[0-9a-zA-Z_\-]{25,}`,
    "incoming mail token",
    (
      g,
    ) => g.b64url(25),
  ),
  gitlab(
    "gitlab-agent-token",
    "glagent-",
    String.raw`[0-9a-zA-Z_\-]{50,}`,
    "Kubernetes agent token",
    (
      g,
    ) => g.b64url(50),
  ),
  gitlab(
    "gitlab-oauth-app-secret",
    "gloas-",
    "[0-9a-f]{64}",
    "OAuth application secret",
    (g) => g.hex(64),
  ),
  gitlab(
    "gitlab-feature-flag-token",
    "glffct-",
    String.raw`[0-9a-zA-Z_\-]{20,}`,
    "feature flag client token",
    (
      g,
    ) => g.b64url(20),
  ),
  prefixed({
    id: "bitbucket-app-password",
    description: "Bitbucket app password / API token (ATBB...)",
    keywords: ["atbb"],
    regex: String.raw`${B}(?<s>ATBB[A-Za-z0-9_=.\-]{32,})${E2}`,
    keep: 4,
    envName: "BITBUCKET_APP_PASSWORD",
    make: (g) => "ATBB" + g.alnum(28) + g.hex(8).toUpperCase(),
    fp: () => ["ATBB is not a token\n"],
  }),
  {
    id: "bitbucket-client-secret",
    description: "Bitbucket OAuth consumer secret next to its name",
    keywords: ["bitbucket"],
    regex:
      /bitbucket[\w.-]*(?:secret|key)["']?\s*[:=]\s*["']?(?<s>[A-Za-z0-9=_\-]{32,64})(?![A-Za-z0-9=_-])/i,
    minEntropy: 3.5,
    priority: 10,
    samples: (g) => {
      const s = g.b64url(32);
      return {
        tp: [{ text: `BITBUCKET_CLIENT_SECRET=${s}\n`, secrets: [s] }],
        fp: ["bitbucket pipelines: client secret rotated\n"],
      };
    },
  },
  prefixed({
    id: "npm-access-token",
    description: "npm access token (npm_, CRC-32 checked)",
    keywords: ["npm_"],
    regex: `${B}(?<s>npm_[0-9A-Za-z]{36})${E}`,
    keep: 4,
    envName: "NPM_TOKEN",
    minEntropy: 2,
    validate: crcOrRandom(4),
    make: (g) => "npm_" + g.crcToken(),
    fp: (g) => [`npm_${fakeBody(g)}\n`, "npm_config_cache=/home/user/.npm\n"],
  }),
  {
    id: "npmrc-auth",
    description: "npm / yarn registry credentials in .npmrc (_authToken, _auth, _password)",
    keywords: ["_authtoken", "_auth", "_password", "npmauthtoken"],
    regex:
      /(?<![A-Za-z0-9_])(?:_authToken|_auth|_password|npmAuthToken)["']?\s*[=:]\s*["']?(?<s>[^\s"'$]{8,})/,
    priority: 10,
    samples: (g) => {
      const a = g.b64url(40);
      const b = g.b64Bytes(24);
      return {
        tp: [
          { text: `//registry.npmjs.org/:_authToken=${a}\n`, secrets: [a] },
          { text: `//npm.example.com/:_auth=${b}\r\n`, secrets: [b] },
        ],
        fp: ["//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"],
      };
    },
  },
  prefixed({
    id: "pypi-upload-token",
    description: "PyPI / TestPyPI API token (pypi-)",
    keywords: ["pypi-ag"],
    regex: String.raw`${B}(?<s>pypi-Ag[EI][A-Za-z0-9_\-]{50,})`,
    keep: 5,
    envName: "TWINE_PASSWORD",
    make: (g) => "pypi-AgEIcHlwaS5vcmc" + g.b64url(120),
    fp: () => ["pypi-AgEIcHlwaS5vcmc\n"],
  }),
  prefixed({
    id: "dockerhub-pat",
    description: "Docker Hub personal or organization access token (dckr_pat_, dckr_oat_)",
    keywords: ["dckr_pat_", "dckr_oat_"],
    regex: String.raw`${B}(?<s>dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,})`,
    keep: 7,
    envName: "DOCKER_TOKEN",
    make: (g) => "dckr_pat_" + g.b64url(27),
    fp: () => ["dckr_pat_short\n"],
  }),
  {
    id: "docker-config-auth",
    description: 'Registry credentials in ~/.docker/config.json ("auth", "identitytoken")',
    keywords: ['"auth"', '"identitytoken"'],
    regex: /"(?:auth|identitytoken)"\s*:\s*"(?<s>[A-Za-z0-9+\/=._\-]{8,})"/,
    minEntropy: 2.5,
    priority: 10,
    samples: (g) => {
      const a = btoa(`user${g.int(99)}:${g.alnum(20)}`);
      return {
        tp: [{
          text: `\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "${a}"\n\t\t}\n`,
          secrets: [a],
        }],
        fp: ['\t\t\t"auth": ""\n'],
      };
    },
  },
  prefixed({
    id: "rubygems-api-key",
    description: "RubyGems API key (rubygems_)",
    keywords: ["rubygems_"],
    regex: `${B}(?<s>rubygems_[0-9a-f]{48})${E}`,
    keep: 7,
    envName: "GEM_HOST_API_KEY",
    make: (g) => "rubygems_" + g.hex(48),
    fp: () => ["rubygems_version: 3.4.10\n"],
  }),
  prefixed({
    id: "nuget-api-key",
    description: "NuGet.org API key (oy2...)",
    keywords: ["oy2"],
    regex: `${B}(?<s>oy2[a-z0-9]{43})${E}`,
    keep: 3,
    envName: "NUGET_API_KEY",
    make: (g) => "oy2" + g.str(LOWER + "0123456789", 43),
    fp: () => ["oy2 is not a key\n"],
  }),
  prefixed({
    id: "sourcegraph-access-token",
    description: "Sourcegraph access token (sgp_)",
    keywords: ["sgp_"],
    regex: `${B}(?<s>sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40})${E}`,
    keep: 4,
    make: (g) => "sgp_" + g.hex(40),
    fp: () => ["sgp_unset\n"],
  }),
  prefixed({
    id: "jfrog-api-key",
    description: "JFrog Artifactory API key (AKCp)",
    keywords: ["akcp"],
    regex: `${B}(?<s>AKCp[A-Za-z0-9]{69})${E}`,
    keep: 4,
    make: (g) => "AKCp" + g.alnum(69),
    fp: () => ["AKCp short\n"],
  }),
  prefixed({
    id: "jfrog-identity-token",
    description: "JFrog identity / reference token",
    keywords: ["cmvmdgtuoj"],
    regex: `${B}(?<s>cmVmdGtuOj[A-Za-z0-9]{50,})${E}`,
    keep: 0,
    make: (g) => "cmVmdGtuOjAxOj" + g.alnum(50),
    fp: () => ["cmVmdGtuOj\n"],
  }),
  prefixed({
    id: "terraform-cloud-token",
    description: "Terraform Cloud / Enterprise API token (.atlasv1.)",
    keywords: [".atlasv1."],
    regex: String.raw`${B}(?<s>[a-zA-Z0-9]{14}\.atlasv1\.[a-zA-Z0-9_=\-]{60,70})${E2}`,
    keep: 0,
    make: (g) => `${g.alnum(14)}.atlasv1.${g.b64url(67)}`,
    fp: () => ["see .atlasv1. format\n"],
  }),
  prefixed({
    id: "pulumi-access-token",
    description: "Pulumi access token (pul-)",
    keywords: ["pul-"],
    regex: `${B}(?<s>pul-[a-f0-9]{40})${E}`,
    keep: 4,
    make: (g) => "pul-" + g.hex(40),
    fp: () => ["pul-request\n"],
  }),
  prefixed({
    id: "sonarqube-token",
    description: "SonarQube / SonarCloud token (squ_, sqp_, sqa_)",
    keywords: ["squ_", "sqp_", "sqa_"],
    regex: `${B}(?<s>sq[pua]_[0-9a-f]{40})${E}`,
    keep: 4,
    make: (g) => g.pick(["squ_", "sqp_"]) + g.hex(40),
    fp: () => ["squ_abc\n"],
  }),
  prefixed({
    id: "buildkite-token",
    description: "Buildkite user access token (bkua_)",
    keywords: ["bkua_"],
    regex: `${B}(?<s>bkua_[a-f0-9]{40})${E}`,
    keep: 5,
    make: (g) => "bkua_" + g.hex(40),
    fp: () => ["bkua_x\n"],
  }),
  prefixed({
    id: "circleci-token",
    description: "CircleCI personal API token (CCIPAT_)",
    keywords: ["ccipat_"],
    regex: `${B}(?<s>CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})${E}`,
    keep: 7,
    make: (g) => `CCIPAT_${g.alnum(22)}_${g.hex(40)}`,
    fp: () => ["CCIPAT_\n"],
  }),
  prefixed({
    id: "doppler-token",
    description: "Doppler service / personal / CLI token (dp.pt., dp.st., ...)",
    keywords: ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    regex: String.raw`${B}(?<s>dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9_\-]{40,44})${E2}`,
    keep: 6,
    make: (g) => "dp.st." + g.alnum(43),
    fp: () => ["dp.st.example\n"],
  }),
  prefixed({
    id: "vault-token",
    description: "HashiCorp Vault service, batch or recovery token (hvs., hvb., hvr.)",
    keywords: ["hvs.", "hvb.", "hvr."],
    regex: String.raw`${B}(?<s>hv[sbr]\.[A-Za-z0-9_\-]{24,})`,
    keep: 4,
    envName: "VAULT_TOKEN",
    make: (g) => "hvs." + g.b64url(90),
    fp: () => ["hvs.short\n"],
  }),
  {
    id: "vault-legacy-token",
    description: "HashiCorp Vault legacy token (s.) next to a Vault keyword",
    keywords: ["vault"],
    regex: /vault[\w.-]*(?:token)?["']?\s*[:=]?\s*["']?(?<s>s\.[A-Za-z0-9]{24})(?![A-Za-z0-9])/i,
    minEntropy: 3.5,
    priority: 10,
    samples: (g) => {
      const s = "s." + g.alnum(24);
      return {
        tp: [{ text: `export VAULT_TOKEN=${s}\n`, secrets: [s] }],
        fp: ["vault status: sealed\n"],
      };
    },
  },
  prefixed({
    id: "age-secret-key",
    description: "age encryption secret key (AGE-SECRET-KEY-1)",
    keywords: ["age-secret-key-1"],
    regex: "(?<s>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
    keep: 0,
    make: (g) => "AGE-SECRET-KEY-1" + g.str("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58),
    fp: () => ["# AGE-SECRET-KEY-1 lines hold private keys\n"],
  }),
  prefixed({
    id: "grafana-service-account-token",
    description: "Grafana service account token (glsa_)",
    keywords: ["glsa_"],
    regex: `${B}(?<s>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})${E}`,
    keep: 5,
    make: (g) => `glsa_${g.alnum(32)}_${g.hex(8)}`,
    fp: () => ["glsa_\n"],
  }),
  prefixed({
    id: "grafana-cloud-token",
    description: "Grafana Cloud API / access policy token (glc_)",
    keywords: ["glc_"],
    regex: String.raw`${B}(?<s>glc_[A-Za-z0-9+/]{32,}={0,2})`,
    keep: 4,
    make: (g) => "glc_" + g.b64(80),
    fp: () => ["glc_short\n"],
  }),
];
