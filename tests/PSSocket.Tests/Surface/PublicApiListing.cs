using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;

namespace PSSocket.Tests.Surface
{
    /// <summary>One line per public type and per member a caller outside the assembly can reach, sorted, C#-like.</summary>
    internal static class PublicApiListing
    {
        private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance
            | BindingFlags.Static | BindingFlags.DeclaredOnly;

        public static string Of(Assembly assembly)
        {
            var text = new StringBuilder();
            foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                text.Append(Describe(type)).Append('\n');
                foreach (string member in Members(type).OrderBy(m => m, StringComparer.Ordinal))
                {
                    text.Append("  ").Append(member).Append('\n');
                }
            }

            return text.ToString();
        }

        private static string Describe(Type type)
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : "class";
            string modifiers = type.IsClass && type.IsAbstract && type.IsSealed ? "static "
                : type.IsClass && type.IsAbstract ? "abstract "
                : type.IsClass && type.IsSealed ? "sealed " : string.Empty;
            var bases = new List<string>();
            if (type.IsClass && type.BaseType != null && type.BaseType != typeof(object))
            {
                bases.Add(Name(type.BaseType));
            }

            if (!type.IsEnum)
            {
                bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic).Select(Name)
                    .OrderBy(n => n, StringComparer.Ordinal));
            }

            return $"{modifiers}{kind} {type.FullName}" + (bases.Count == 0 ? string.Empty : " : " + string.Join(", ", bases));
        }

        private static IEnumerable<string> Members(Type type)
        {
            if (type.IsEnum)
            {
                foreach (string name in Enum.GetNames(type))
                {
                    yield return $"{name} = {Convert.ToInt64(Enum.Parse(type, name))}";
                }

                yield break;
            }

            foreach (MemberInfo member in type.GetMembers(Declared))
            {
                string? line = member switch
                {
                    ConstructorInfo c when Visible(c) => $"{Access(c)}{Name(type)}({Parameters(c)})",
                    MethodInfo m when Visible(m) && !m.IsSpecialName => $"{Access(m)}{Static(m)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
                    PropertyInfo p => Property(p),
                    FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => $"{(f.IsPublic ? "public " : "protected ")}{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{(f.IsInitOnly ? "readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                    EventInfo e when e.AddMethod != null && Visible(e.AddMethod) => $"{Access(e.AddMethod)}event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line != null)
                {
                    yield return line;
                }
            }
        }

        private static string? Property(PropertyInfo property)
        {
            MethodInfo? get = property.GetMethod is { } g && Visible(g) ? g : null;
            MethodInfo? set = property.SetMethod is { } s && Visible(s) ? s : null;
            if (get == null && set == null)
            {
                return null;
            }

            MethodInfo any = (get ?? set)!;
            string accessors = (get == null ? string.Empty : "get; ") + (set == null ? string.Empty : (set.IsFamily ? "protected " : string.Empty) + "set; ");
            return $"{Access(any)}{Static(any)}{Name(property.PropertyType)} {property.Name} {{ {accessors}}}";
        }

        private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

        private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

        private static string Static(MethodBase method) => method.IsStatic ? "static " : string.Empty;

        private static string Parameters(MethodBase method) =>
            string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}"));

        private static string Name(Type type)
        {
            if (type.IsByRef)
            {
                return "ref " + Name(type.GetElementType()!);
            }

            if (type.IsArray)
            {
                return Name(type.GetElementType()!) + "[]";
            }

            if (type.IsGenericType)
            {
                string name = type.Name.Substring(0, type.Name.IndexOf('`'));
                if (type.GetGenericTypeDefinition() == typeof(Nullable<>))
                {
                    return Name(type.GetGenericArguments()[0]) + "?";
                }

                return $"{type.Namespace}.{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
            }

            return type.FullName ?? type.Name;
        }
    }
}
