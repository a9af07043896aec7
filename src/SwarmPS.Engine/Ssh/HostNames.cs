using System;
using System.Globalization;
using System.Net;

namespace SwarmPS.Engine.Ssh
{
    /// <summary>
    /// Checks a host name or address before anything is resolved or changed (RFC 1123: at most 253 characters,
    /// labels of 1 to 63 letters, digits, hyphens, not starting or ending with a hyphen; underscores are allowed as
    /// many real hosts have them). A resolver handed a longer name throws a bare exception instead.
    /// </summary>
    public static class HostNames
    {
        private const int MaxLength = 253;
        private const int MaxLabelLength = 63;

        /// <summary>Throws HostNameInvalid, naming the fault, when <paramref name="name"/> is no host name or IP address.</summary>
        public static void Validate(string? name)
        {
            string value = name ?? string.Empty;
            string? fault = Fault(value);
            if (fault != null)
            {
                string shown = value.Length > 64 ? value.Substring(0, 64) + "…" : value;
                throw new SwarmException("HostNameInvalid", SwarmErrorKind.InvalidArgument,
                    $"'{shown}' is not a host name or IP address: {fault}. Give a name such as core-01 or core-01.example.com, or an address such as 10.0.0.5.", value);
            }
        }

        private static string? Fault(string name)
        {
            if (name.Length == 0)
            {
                return "it is empty";
            }

            string unbracketed = name.Length > 2 && name[0] == '[' && name[^1] == ']' ? name.Substring(1, name.Length - 2) : name;
            if (unbracketed.Contains(':', StringComparison.Ordinal))
            {
                return IPAddress.TryParse(unbracketed, out IPAddress? v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    ? null
                    : "it has a ':' but is not an IPv6 address (give the port with -Port)";
            }

            // A trailing dot (fully qualified) is legal and does not count towards the length.
            string trimmed = name.EndsWith('.') ? name.Substring(0, name.Length - 1) : name;
            if (trimmed.Length > MaxLength)
            {
                return string.Format(CultureInfo.InvariantCulture, "it has {0} characters, and a host name has at most {1}", trimmed.Length, MaxLength);
            }

            foreach (string label in trimmed.Split('.'))
            {
                if (label.Length == 0)
                {
                    return "it has an empty part between dots";
                }

                if (label.Length > MaxLabelLength)
                {
                    return string.Format(CultureInfo.InvariantCulture, "its part '{0}…' has {1} characters, and each part between dots has at most {2}", label.Substring(0, 16), label.Length, MaxLabelLength);
                }

                if (label[0] == '-' || label[^1] == '-')
                {
                    return $"its part '{label}' starts or ends with a hyphen";
                }

                foreach (char c in label)
                {
                    if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '-' or '_'))
                    {
                        return char.IsWhiteSpace(c) || char.IsControl(c)
                            ? "it holds a space or control character"
                            : $"it holds '{c}', which no host name has (a user name goes in -UserName)";
                    }
                }
            }

            return null;
        }
    }
}
