package io.ramshift.engine.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * This end's one certificate and key, offered whatever CAs the peer names: a sender's client certificate from
 * another CA then reaches the receiver, which says that it is not signed by its CA (instead of the JDK's own key
 * manager sending none and the receiver reporting a missing certificate).
 */
final class IdentityKeyManager extends X509ExtendedKeyManager
{
    private static final String ALIAS = "identity";

    private final X509Certificate[] chain;
    private final PrivateKey key;
    private final String[] aliases = {ALIAS};

    IdentityKeyManager(final X509Certificate[] chain, final PrivateKey key)
    {
        this.chain = chain.clone();
        this.key = key;
    }

    private String choose(final String[] keyTypes)
    {
        if (keyTypes == null)
        {
            return ALIAS;
        }
        for (final String keyType : keyTypes)
        {
            if (matches(keyType))
            {
                return ALIAS;
            }
        }
        return null;
    }

    private boolean matches(final String keyType)
    {
        final String algorithm = key.getAlgorithm();
        return keyType != null && (keyType.equalsIgnoreCase(algorithm) ||
            "EdDSA".equalsIgnoreCase(algorithm) && ("Ed25519".equalsIgnoreCase(keyType) ||
            "Ed448".equalsIgnoreCase(keyType)));
    }

    public String[] getClientAliases(final String keyType, final Principal[] issuers)
    {
        return matches(keyType) ? aliases.clone() : null;
    }

    public String chooseClientAlias(final String[] keyTypes, final Principal[] issuers, final Socket socket)
    {
        return choose(keyTypes);
    }

    public String chooseEngineClientAlias(final String[] keyTypes, final Principal[] issuers, final SSLEngine engine)
    {
        return choose(keyTypes);
    }

    public String[] getServerAliases(final String keyType, final Principal[] issuers)
    {
        return matches(keyType) ? aliases.clone() : null;
    }

    public String chooseServerAlias(final String keyType, final Principal[] issuers, final Socket socket)
    {
        return matches(keyType) ? ALIAS : null;
    }

    public String chooseEngineServerAlias(final String keyType, final Principal[] issuers, final SSLEngine engine)
    {
        return matches(keyType) ? ALIAS : null;
    }

    public X509Certificate[] getCertificateChain(final String alias)
    {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    public PrivateKey getPrivateKey(final String alias)
    {
        return ALIAS.equals(alias) ? key : null;
    }
}
