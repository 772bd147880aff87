local function f<T, U...>(a: {[string]: T?}, ...: U...): (T, ...number)
  return (a :: any) :: T, x!, y as {z: number}
end
