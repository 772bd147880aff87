-- Upgrades to `target` inside pcall; tells `parent` "continued" if that returns or
-- raises (it should do neither: a failed upgrade ends the process).
local function main(parent, target)
  local ok, v, err = pcall(process.upgrade, target)
  process.send(parent, "continued", { ok = ok, err = tostring(err or v) })
  return "continued"
end

return { main = main }
