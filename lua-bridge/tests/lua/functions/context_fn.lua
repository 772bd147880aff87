-- A function.lua helper: returns the value of its context under the given key (nil
-- when the context has none).
local function main(key)
  local value = ctx.get(key)
  return { value = value }
end

return { main = main }
