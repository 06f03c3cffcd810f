#!/usr/bin/env bash
# Regenerates the TLS test fixtures of this directory (TEST ONLY: the private keys are public).
#   ca            the test CA (EC P-256)                      other-ca      a second, unrelated CA
#   server        RSA 2048, localhost + 127.0.0.1 + ::1, by ca  server-ec     the same with an EC P-256 key
#   client        EC P-256, clientAuth, by ca                  other-server  localhost + 127.0.0.1, by other-ca
#   expired       localhost + 127.0.0.1, by ca, valid 2020-01-01 .. 2021-01-01 only
#   wrong-host    ramshift.invalid only, by ca
# Valid for 100 years; private keys are PKCS#8 PEM ("BEGIN PRIVATE KEY"), as ramshift reads them.
set -euo pipefail
cd "$(dirname "$0")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
days=36500

ca() # name subject
{
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days "$days" -sha256 -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

leaf() # name keyalg ca subject san eku
{
  if [ "$2" = rsa ]; then openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key"
  else openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; fi
  openssl req -new -key "$1.key" -subj "/CN=$4" -out "$work/$1.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n%s\nextendedKeyUsage=%s\n' \
    "$5" "$6" > "$work/$1.ext"
  openssl x509 -req -in "$work/$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -CAserial "$work/$3.srl" \
    -days "$days" -sha256 -extfile "$work/$1.ext" -out "$1.pem"
}

ca ca "ramshift test CA"
ca other-ca "another test CA"
leaf server rsa ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth
leaf server-ec ec ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" serverAuth
leaf client ec ca "ramshift test sender" "" clientAuth
leaf other-server ec other-ca localhost "subjectAltName=DNS:localhost,IP:127.0.0.1" serverAuth,clientAuth
leaf wrong-host ec ca ramshift.invalid "subjectAltName=DNS:ramshift.invalid" serverAuth

# expired: 'openssl x509 -req' of OpenSSL 3.0 cannot set a start date; 'openssl ca' can
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out expired.key
openssl req -new -key expired.key -subj "/CN=localhost" -out "$work/expired.csr"
mkdir -p "$work/ca/new"
touch "$work/ca/index.txt"
echo 1000 > "$work/ca/serial"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $work/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = leaf
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
CNF
openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile ca.key -in "$work/expired.csr" -out "$work/expired.full" \
  -startdate 20200101000000Z -enddate 20210101000000Z -notext 2> /dev/null
openssl x509 -in "$work/expired.full" -out expired.pem
rm -f ca.srl other-ca.srl
