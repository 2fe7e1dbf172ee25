/**
 * Synthetic benign terminal output: what must come out of the redactor byte-identical
 * (hashes, digests, UUIDs, lockfiles, placeholders). Used by tests and the benchmark.
 */
import type { Gen } from "./gen.ts";
import { PNG_HEADER, wrapB64 } from "./rules/structure.ts";

function gitLog(g: Gen): string {
  let s = "";
  for (let i = 0; i < 4; i++) {
    s += `\x1b[33mcommit ${g.hex(40)}\x1b[m\r\n`;
    s += `Author: Dev ${g.alnum(5)} <dev${i}@example.com>\r\nDate:   Mon Jan ${
      1 + i
    } 10:00:00 2024 +0000\r\n\r\n`;
    s += `    ${
      g.pick([
        "Fix token refresh when the session expires",
        "Rotate API key docs",
        "Add password strength meter",
        "Merge pull request #12 from org/secret-scanning",
      ])
    }\r\n\r\n`;
  }
  return s +
    `$ git log --oneline\r\n${g.hex(7)} fix: token: handle null\r\n${
      g.hex(7)
    } chore(deps): bump lodash\r\n`;
}

function docker(g: Gen): string {
  return [
    "$ docker images --digests",
    "REPOSITORY   TAG   DIGEST                                                                    IMAGE ID       CREATED       SIZE",
    `nginx        1.25  sha256:${g.hex(64)}   ${g.hex(12)}   2 weeks ago   187MB`,
    `redis        7     sha256:${g.hex(64)}   ${g.hex(12)}   3 weeks ago   138MB`,
    "$ docker pull alpine:3.19",
    `3.19: Pulling from library/alpine`,
    `${g.hex(12)}: Pull complete`,
    `Digest: sha256:${g.hex(64)}`,
    "Status: Downloaded newer image for alpine:3.19",
    "WARNING! Your password will be stored unencrypted in /home/u/.docker/config.json.",
    "Login Succeeded",
    "",
  ].join("\r\n");
}

function kubectl(g: Gen): string {
  return [
    "$ kubectl get pods",
    "NAME                         READY   STATUS    RESTARTS   AGE",
    `api-7d9f8b6c5-${
      g.str("abcdefghijklmnopqrstuvwxyz0123456789", 5)
    }   1/1     Running   0          3d`,
    "$ kubectl get secrets",
    "NAME                  TYPE                                  DATA   AGE",
    `default-token-${
      g.str("abcdefghijklmnopqrstuvwxyz", 5)
    }   kubernetes.io/service-account-token   3      40d`,
    "app-tls               kubernetes.io/tls                     2      10d",
    "$ kubectl get pod api -o yaml",
    "apiVersion: v1",
    "kind: Pod",
    "metadata:",
    `  uid: ${g.uuid()}`,
    `  resourceVersion: "${g.int(99999)}"`,
    "spec:",
    "  automountServiceAccountToken: true",
    "  containers:",
    `  - image: registry.example.com/api@sha256:${g.hex(64)}`,
    "    env:",
    "    - name: DB_PASSWORD",
    "      valueFrom:",
    "        secretKeyRef:",
    "          key: password",
    "          name: db-credentials",
    "  volumes:",
    "  - name: tls",
    "    secret:",
    "      secretName: app-tls",
    "  - name: kube-api-access",
    "    projected:",
    "      sources:",
    "      - serviceAccountToken:",
    "          expirationSeconds: 3607",
    "          path: token",
    "status:",
    `  containerID: containerd://${g.hex(64)}`,
    `  imageID: registry.example.com/api@sha256:${g.hex(64)}`,
    "$ kubectl describe secret app-tls",
    "Data",
    "====",
    "tls.crt:  1164 bytes",
    "tls.key:  1704 bytes",
    "",
  ].join("\r\n");
}

function files(g: Gen): string {
  const ls = ["$ ls -la"];
  for (let i = 0; i < 5; i++) {
    ls.push(
      `-rw-r--r--  1 dev staff ${g.int(99999)} Jan ${1 + i} 12:0${i} ${
        g.pick(["secrets.yaml", "token.go", "password_test.py", "id_rsa.pub", "api_key.md"])
      }`,
    );
  }
  ls.push(`\x1b[01;34mdrwxr-xr-x\x1b[0m  2 dev staff  4096 Jan  1 09:00 \x1b[01;34mkeys\x1b[0m`);
  ls.push("$ sha256sum dist/*");
  for (let i = 0; i < 3; i++) ls.push(`${g.hex(64)}  dist/app-${i}.tar.gz`);
  ls.push("$ md5sum a.bin; sha1sum a.bin", `${g.hex(32)}  a.bin`, `${g.hex(40)}  a.bin`);
  ls.push("$ uuidgen; uuidgen", g.uuid(), g.uuid().toUpperCase());
  ls.push("$ ssh-keygen -lf ~/.ssh/id_ed25519.pub", `256 SHA256:${g.b64(43)} dev@laptop (ED25519)`);
  ls.push(
    `$ cat ~/.ssh/id_ed25519.pub`,
    `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${g.b64(43)} dev@laptop`,
  );
  return ls.join("\r\n") + "\r\n";
}

function lockfile(g: Gen): string {
  const out = [
    "$ cat package-lock.json",
    "{",
    '  "name": "app",',
    '  "lockfileVersion": 3,',
    '  "packages": {',
  ];
  for (const p of ["lodash", "@babel/core", "js-tokens", "safe-buffer"]) {
    out.push(`    "node_modules/${p}": {`);
    out.push(`      "version": "${g.int(9)}.${g.int(20)}.${g.int(9)}",`);
    out.push(
      `      "resolved": "https://registry.npmjs.org/${p}/-/${p.split("/").pop()}-1.0.0.tgz",`,
    );
    out.push(`      "integrity": "sha512-${g.b64(86)}=="`);
    out.push("    },");
  }
  out.push(
    "  }",
    "}",
    "$ yarn why js-tokens",
    `=> Found "js-tokens@4.0.0"`,
    `  resolution "js-tokens@npm:4.0.0", checksum ${g.hex(128)}`,
  );
  return out.join("\n") + "\n";
}

function placeholders(g: Gen): string {
  return [
    "$ cat .env.example",
    "GITHUB_TOKEN=<your-token>",
    "API_KEY=${API_KEY}",
    "DB_PASSWORD=$DB_PASSWORD",
    "AWS_SECRET_ACCESS_KEY=",
    "STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    "SECRET_KEY=changeme",
    "password: '****'",
    "$ gh auth status",
    "github.com",
    "  ✓ Logged in to github.com account dev (keyring)",
    "  - Token: gho_************************************",
    "$ env | sort",
    "HOME=/home/dev",
    "OLDPWD=/home/dev",
    "PASSWORD_STORE_DIR=/home/dev/.password-store",
    "PWD=/home/dev/src",
    "SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.123",
    "GIT_ASKPASS=/usr/lib/git-core/git-gui--askpass",
    `$ terraform plan`,
    `  + password = (sensitive value)`,
    `  + id       = "${g.uuid()}"`,
    "Password for 'https://dev@github.com': ",
    "[sudo] password for dev: ",
    "",
  ].join("\r\n");
}

function progress(): string {
  let s = "$ curl -O https://example.com/big.iso\r\n";
  for (let p = 0; p <= 100; p += 25) {
    s += `\r${String(p).padStart(3)}% [${"#".repeat(p / 5)}${" ".repeat(20 - p / 5)}]`;
  }
  return s + "\r\n";
}

function base64Output(g: Gen): string {
  const rand = wrapB64(g.b64Bytes(57 * 40 + 20), 76);
  const png = wrapB64(g.b64Bytes(57 * 6, PNG_HEADER), 76);
  const gz = wrapB64(g.b64Bytes(48 * 5, [0x1f, 0x8b, 0x08, 0x00]), 64);
  return `$ head -c 2300 /dev/urandom | base64\r\n${rand.join("\r\n")}\r\n` +
    `$ base64 logo.png | head -6\r\n${png.join("\r\n")}\r\n` +
    `$ openssl base64 -in backup.tgz\r\n${gz.join("\r\n")}\r\n`;
}

function certificateChain(g: Gen): string {
  let s = "$ openssl s_client -connect example.com:443 -showcerts </dev/null\r\n";
  s += "CONNECTED(00000003)\r\n---\r\nCertificate chain\r\n";
  for (let i = 0; i < 3; i++) {
    s += ` ${i} s:CN = ${i === 0 ? "example.com" : `Example CA ${i}`}\r\n`;
    s += "-----BEGIN CERTIFICATE-----\r\n";
    const der = [0x30, 0x82, 0x05, 0x10, 0x30, 0x82, 0x03, 0xf8, 0xa0, 0x03, 0x02, 0x01, 0x02];
    s += wrapB64(g.b64Bytes(48 * (18 + i), der), 64).join("\r\n") + "\r\n";
    s += "-----END CERTIFICATE-----\r\n";
  }
  s += "---\r\nServer certificate\r\nsubject=CN = example.com\r\n";
  // The same chain as pasted into a pipe without its BEGIN lines.
  s += "$ grep -v CERTIFICATE chain.pem | head -3\r\n";
  s += wrapB64(g.b64Bytes(48 * 3, [0x30, 0x82, 0x05, 0x10, 0x30, 0x82]), 64).join("\r\n");
  return s + "\r\n";
}

/** Benign transcripts, one per kind. */
export function benignTranscripts(g: Gen): Record<string, string> {
  return {
    gitLog: gitLog(g),
    docker: docker(g),
    kubectl: kubectl(g),
    files: files(g),
    lockfile: lockfile(g),
    placeholders: placeholders(g),
    progress: progress(),
    certificate: "$ cat cert.pem\r\n-----BEGIN CERTIFICATE-----\r\nMIID" + g.b64(60) + "\r\n" +
      g.b64(64) + "\r\n" + g.b64(40) + "==\r\n-----END CERTIFICATE-----\r\n",
    base64Output: base64Output(g),
    certificateChain: certificateChain(g),
  };
}
