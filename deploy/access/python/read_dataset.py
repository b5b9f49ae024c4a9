# A Python pipeline reading an encrypted Labelchain dataset version (deploy/access/README.md):
# usage: read_dataset.py PIPELINE_KEY_FILE WRAPPED_KEY_FILE ENCRYPTED_DIR OUT_DIR
import hashlib, json, pathlib, sys, pyrage
key_file, wrapped, enc, out = map(pathlib.Path, sys.argv[1:5])
me = pyrage.x25519.Identity.from_str(next(
    l for l in key_file.read_text().splitlines() if l.startswith("AGE-SECRET-KEY-1")))
grant = json.loads(pyrage.decrypt(wrapped.read_bytes(), [me]))  # the on-chain wrappedKey
data_key = pyrage.x25519.Identity.from_str(grant["key"])
manifest = pyrage.decrypt((enc / "MANIFEST.age").read_bytes(), [data_key]).decode()
for line in manifest.splitlines():
    digest, path = line.split("  ", 1)
    (out / path).parent.mkdir(parents=True, exist_ok=True)
    pyrage.decrypt_file(str(enc / (path + ".age")), str(out / path), [data_key])
    assert hashlib.sha256((out / path).read_bytes()).hexdigest() == digest, path
print(grant["task"], grant["version"], len(manifest.splitlines()))
