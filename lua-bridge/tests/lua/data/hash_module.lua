-- hash: MD5, SHA-1/256/512 and their HMACs as lowercase hex (raw bytes when asked),
-- FNV-1 32 and 64 as numbers; each returns its value and nil, and a non-string
-- argument gives nil and an INVALID, not retryable error.
local hash = require("hash")

local function main()
  local v, err = hash.md5("hello")
  assert(v == "5d41402abc4b2a76b9719d911017c592" and err == nil, tostring(v))
  assert(hash.sha1("hello") == "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
  assert(hash.sha256("hello") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
  assert(hash.sha512("hello"):sub(1, 40) == "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2")
  assert(#hash.sha512("hello") == 128)
  assert(#hash.md5("hello", true) == 16 and #hash.sha1("x", true) == 20)
  assert(#hash.sha256("x", true) == 32 and #hash.sha512("x", true) == 64)
  assert(hash.md5("hello", true):byte(1) == 0x5d, "raw is the digest's bytes")
  assert(hash.md5("hello", false) == hash.md5("hello"), "raw false is hex")

  assert(hash.hmac_sha256("hello", "secret") == "88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b")
  assert(hash.hmac_sha1("hello", "secret") == "5112055c05f944f85755efc5cd8970e194e9f45b")
  assert(hash.hmac_sha512("hello", "secret"):sub(1, 32) == "db1595ae88a62fd151ec1cba81b98c39")
  -- A key longer than the block is hashed first, as HMAC specifies.
  assert(hash.hmac_md5("hello", string.rep("k", 200)) == "0e6b3de235b9826a66f6529e01bb6e63")
  assert(#hash.hmac_sha256("hello", "secret", true) == 32)
  assert(hash.hmac_sha256("hello", "key1") ~= hash.hmac_sha256("hello", "key2"))

  -- FNV-1 (Go's hash/fnv New32 and New64).
  assert(hash.fnv32("a") == 0x050c5d7e and math.type(hash.fnv32("a")) == "integer")
  assert(hash.fnv32("") == 0x811c9dc5)
  local f64 = hash.fnv64("abc")
  assert(type(f64) == "number" and f64 > 0 and f64 == 0xd8dcca186bafadcb + 2^64, tostring(f64))
  assert(hash.fnv64("hello") ~= hash.fnv64("world"))

  for _, f in ipairs({ hash.md5, hash.sha1, hash.sha256, hash.sha512, hash.fnv32, hash.fnv64 }) do
    v, err = f(123)
    assert(v == nil and err:kind() == errors.INVALID and err:retryable() == false)
    assert(tostring(err):find("data must be a string", 1, true), tostring(err))
  end
  v, err = hash.hmac_sha256("data", nil)
  assert(v == nil and tostring(err):find("secret must be a string", 1, true), tostring(err))
  v, err = hash.hmac_md5({}, "secret")
  assert(v == nil and tostring(err):find("data must be a string", 1, true), tostring(err))
  return true
end

return { main = main }
