-- yaml: encode writes sorted mappings (field_order first) and sequences that decode
-- back to equal values; decode reads the first document by the core schema; bad arguments are
-- INVALID, unparsable text INTERNAL with its line, never a raise.
local yaml = require("yaml")

local function main()
  local text, err = yaml.encode({ name = "test", value = 123, ratio = 2.5, on = true, id = "007" })
  assert(err == nil, tostring(err))
  -- "007" and the key "on" (a boolean in YAML 1.1) are quoted, so no reader takes them
  -- for a number or a boolean.
  assert(text == 'id: "007"\nname: test\n"on": true\nratio: 2.5\nvalue: 123\n', text)
  text = yaml.encode({ z = 1, id = 2, nested = { b = 1, id = 3 } }, { field_order = { "id" } })
  assert(text == "id: 2\nnested:\n  id: 3\n  b: 1\nz: 1\n", text)

  local original = {
    str = "hello world", quoted = "a: b", empty = "", multi = "line 1\nline 2",
    num = 3.14, int = -7, bool = false,
    list = { 1, "two", { three = 3 } },
    nested = { deeper = { value = 42 } },
  }
  local back = yaml.decode(yaml.encode(original))
  for k, v in pairs(original) do
    if type(v) ~= "table" then
      assert(back[k] == v, k .. ": " .. tostring(back[k]))
    end
  end
  assert(math.type(back.int) == "integer" and math.type(back.num) == "float")
  assert(back.list[1] == 1 and back.list[2] == "two" and back.list[3].three == 3)
  assert(back.nested.deeper.value == 42)

  local doc = yaml.decode([[
# a comment
defaults: &defaults {retries: 3, timeout: 1.5}
service:
  <<: *defaults
  name: api
  ports: [80, 443]
  enabled: yes
  none: ~
]])
  assert(doc.service.retries == 3 and doc.service.timeout == 1.5)
  assert(doc.service.ports[2] == 443 and doc.service.name == "api")
  assert(doc.service.enabled == "yes", "YAML 1.2: yes is a string")
  assert(doc.service.none == nil)
  assert(yaml.decode("- 1\n- 2\n- 3")[3] == 3)
  assert(yaml.decode("just text") == "just text")

  -- Shaped as the original's ToGoAny: an empty table is a mapping, a table with an
  -- array part a sequence with its holes as null (the other keys left out), the keys
  -- of any other table strings; floats and null as yaml.v3 writes them.
  assert(yaml.encode({}) == "{}\n", yaml.encode({}))
  assert(yaml.encode({ a = {} }) == "a: {}\n")
  assert(yaml.encode({ 1, nil, 3 }) == "- 1\n- null\n- 3\n", yaml.encode({ 1, nil, 3 }))
  assert(yaml.encode({ 1, 2, x = 3 }) == "- 1\n- 2\n")
  assert(yaml.encode({ [5] = "x" }) == '"5": x\n', yaml.encode({ [5] = "x" }))
  assert(yaml.encode({ b = 2.0, c = 1e20, d = 0.5 }) == "b: 2\nc: 1e+20\nd: 0.5\n")
  -- Only the first document is read, as yaml.v3's Unmarshal does.
  local first = yaml.decode("a: 1\n---\nb: 2\n")
  assert(first.a == 1 and first.b == nil)

  local value
  value, err = yaml.decode("a: 1\nb: [1, 2\n")
  assert(value == nil and err:kind() == errors.INTERNAL and err:retryable() == false)
  assert(tostring(err):find("line", 1, true), tostring(err))
  value, err = yaml.decode("")
  assert(value == nil and err:kind() == errors.INVALID, "empty text")
  value, err = yaml.decode(123)
  assert(value == nil and err:kind() == errors.INVALID, "a number")
  value, err = yaml.encode("not a table")
  assert(value == nil and err:kind() == errors.INVALID and tostring(err):find("table expected", 1, true))
  local cyclic = {}
  cyclic.self = cyclic
  value, err = yaml.encode(cyclic)
  assert(value == nil and err:kind() == errors.INVALID, "a cycle")
  value, err = yaml.encode({ blob = "\255\254" })
  assert(value == nil and err:kind() == errors.INVALID and tostring(err):find("blob", 1, true), tostring(err))
  return true
end

return { main = main }
