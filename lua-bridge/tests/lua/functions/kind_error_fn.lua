-- A function.lua helper: returns nil and an error of the given kind.
local function main(kind, message)
  return nil, errors.new({
    message = message or "test error",
    kind = kind or errors.INTERNAL,
    retryable = kind == errors.UNAVAILABLE,
  })
end

return { main = main }
