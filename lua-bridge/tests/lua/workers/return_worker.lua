-- Returns in the way `mode` names (see entry/return_*.lua).
local function main(mode)
  if mode == "nil_string" then
    return nil, "bad things happened"
  elseif mode == "value_string" then
    return 1, "also bad"
  elseif mode == "error_object" then
    return nil, errors.new({ message = "too slow", kind = errors.TIMEOUT })
  elseif mode == "table" then
    return { n = 1, list = { "a", "b" } }
  elseif mode == "false" then
    return false
  elseif mode == "nothing" then
    return
  elseif mode == "two_values" then
    return "first", 2
  elseif mode == "value_nil" then
    return 5, nil
  elseif mode == "raise_table" then
    error({ code = 7 })
  elseif mode == "plain_error_object" then
    return nil, errors.new("plain")
  elseif mode == "raise_error_object" then
    error(errors.new({ message = "raised object", kind = errors.PERMISSION_DENIED }))
  end
  error("unknown mode " .. tostring(mode))
end

return { main = main }
