using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using SwarmPS.Engine.Objects;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Turns what a user gives for a secret's or config's value into bytes: a SecureString, a PSCredential (its
    /// password), a byte[], a string, or whatever SecretManagement's Get-Secret returns (without needing that module).
    /// A SecureString is decoded into a char buffer that is wiped at once; no managed string of it is made.
    /// </summary>
    internal static class ObjectValues
    {
        /// <summary>The bytes of the value(s) given for one object; several piped bytes are one byte[], several lines of a config one text.</summary>
        public static byte[] From(IReadOnlyList<object?> values, ObjectKind kind, string name)
        {
            string noun = ObjectReference.Noun(kind);
            string id = kind == ObjectKind.Secret ? "SecretValueInvalid" : "ConfigValueInvalid";
            List<object?> plain = values.Select(v => v is PSObject wrapped ? wrapped.BaseObject : v).ToList();
            if (plain.Count > 1 && plain.All(v => v is byte))
            {
                // [byte[]] piped is enumerated a byte at a time.
                return plain.Cast<byte>().ToArray();
            }

            if (plain.Count > 1 && kind == ObjectKind.Config && plain.All(v => v is string))
            {
                // Get-Content file | New-SwarmConfig: the lines again, each ended by a newline.
                return Encoding.UTF8.GetBytes(string.Concat(plain.Cast<string>().Select(l => l + "\n")));
            }

            if (plain.Count != 1)
            {
                throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                    $"{plain.Count} values were given for {noun} '{name}'; it takes one. Pipe one value (Get-Secret NAME | New-SwarmSecret -Name {name}), or read a file with -Path.", name);
            }

            return One(plain[0], kind, name, id, noun);
        }

        private static byte[] One(object? value, ObjectKind kind, string name, string id, string noun)
        {
            switch (value)
            {
                case null:
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument, $"The value of {noun} '{name}' is null. Give the content with -Value or -Path.", name);
                case SecureString secure when kind == ObjectKind.Secret:
                    return Utf8Of(secure);
                case PSCredential credential when kind == ObjectKind.Secret:
                    return Utf8Of(credential.Password);
                case byte[] bytes:
                    return (byte[])bytes.Clone();
                case string text:
                    return Encoding.UTF8.GetBytes(text);
                case IDictionary:
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument, kind == ObjectKind.Secret
                        ? $"The value of secret '{name}' is a hashtable (a SecretManagement secret of several entries); a swarm secret holds one value. Pass one entry: New-SwarmSecret -Name {name} -Value (Get-Secret NAME)['password'], or make one secret per entry."
                        : $"The value of config '{name}' is a hashtable; a config holds one text. Convert it first, such as -Value ($table | ConvertTo-Json).", name);
                case SecureString or PSCredential:
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                        $"A config's content is not secret and is shown by docker config inspect: a SecureString or PSCredential belongs in New-SwarmSecret, not in config '{name}'.", name);
                default:
                    throw new SwarmException(id, SwarmErrorKind.InvalidArgument,
                        $"The value of {noun} '{name}' is a {value.GetType().Name}; give {(kind == ObjectKind.Secret ? "a SecureString, a PSCredential (its password is used), a byte[] or a string" : "a string or a byte[]")}, or a file with -Path.", name);
            }
        }

        /// <summary>UTF-8 of a SecureString through a pinned char buffer that is zeroed before it is let go.</summary>
        internal static byte[] Utf8Of(SecureString secure)
        {
            IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(secure);
            char[] chars = new char[secure.Length];
            GCHandle pin = GCHandle.Alloc(chars, GCHandleType.Pinned);
            try
            {
                Marshal.Copy(unmanaged, chars, 0, chars.Length);
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars);
                pin.Free();
                Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
            }
        }
    }
}
