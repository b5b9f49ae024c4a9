//! LBL on a DEX: Uniswap V2's factory, router and WETH, from the npm packages' compiled
//! artifacts (`@uniswap/v2-core`, `@uniswap/v2-periphery`; `npm ci --prefix
//! tests/clients`), deployed on the devnode next to the protocol. An LBL/WETH pool is
//! created with liquidity, then swapped both ways; every balance and reserve is checked
//! exactly against the constant-product formula with the 0.3 % fee — the EVM pair and
//! router calling the Stylus token (transferFrom, transfer, balanceOf) on every step.

mod support;

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::sol;
use alloy::sol_types::SolValue;
use labelchain::bindings::IRewardToken;
use labelchain::chain::Conn;
use support::{artifact_bytecode, deploy_evm, eth, key, lbl, Env};

sol! {
    #[sol(rpc)]
    interface IWETH9 {
        function balanceOf(address) external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Factory {
        function getPair(address tokenA, address tokenB) external view returns (address pair);
        function allPairsLength() external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Pair {
        function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
        function token0() external view returns (address);
        function token1() external view returns (address);
        function balanceOf(address) external view returns (uint256);
        function totalSupply() external view returns (uint256);
    }
    #[sol(rpc)]
    interface IUniswapV2Router02 {
        function factory() external view returns (address);
        function WETH() external view returns (address);
        function addLiquidityETH(address token, uint256 amountTokenDesired, uint256 amountTokenMin, uint256 amountETHMin, address to, uint256 deadline) external payable returns (uint256 amountToken, uint256 amountETH, uint256 liquidity);
        function swapExactETHForTokens(uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external payable returns (uint256[] memory amounts);
        function swapExactTokensForETH(uint256 amountIn, uint256 amountOutMin, address[] calldata path, address to, uint256 deadline) external returns (uint256[] memory amounts);
        function getAmountsOut(uint256 amountIn, address[] memory path) external view returns (uint256[] memory amounts);
    }
}

/// The pair init code hash hardcoded in v2-periphery's `UniswapV2Library.pairFor`.
const PERIPHERY_INIT_CODE_HASH: &str =
    "96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f";

/// Uniswap V2's `getAmountOut`: the 0.3 % fee is taken from the input.
fn amount_out(amount_in: U256, reserve_in: U256, reserve_out: U256) -> U256 {
    let in_with_fee = amount_in * U256::from(997);
    in_with_fee * reserve_out / (reserve_in * U256::from(1000) + in_with_fee)
}

/// `UniswapV2Library.pairFor`, computed here: CREATE2 from the factory with the salt
/// `keccak256(token0 ‖ token1)` and the pair's init code hash.
fn pair_for(factory: Address, a: Address, b: Address, init_code_hash: B256) -> Address {
    let (t0, t1) = if a < b { (a, b) } else { (b, a) };
    let salt = keccak256([t0.as_slice(), t1.as_slice()].concat());
    factory.create2(salt, init_code_hash)
}

/// v2-core's pair bytecode must hash to what v2-periphery hardcodes, or the router would
/// compute pair addresses that do not exist; returns that hash.
fn checked_pair_init_code_hash() -> B256 {
    let pair_code = artifact_bytecode("@uniswap/v2-core/build/UniswapV2Pair.json");
    let init_code_hash = keccak256(&pair_code);
    assert_eq!(
        alloy::hex::encode(init_code_hash),
        PERIPHERY_INIT_CODE_HASH,
        "v2-core's pair init code hash differs from the one v2-periphery's router embeds"
    );
    let router_code = artifact_bytecode("@uniswap/v2-periphery/build/UniswapV2Router02.json");
    assert!(
        router_code
            .windows(32)
            .any(|w| w == init_code_hash.as_slice()),
        "the router's bytecode embeds the pair init code hash"
    );
    init_code_hash
}

/// Uniswap V2 deployed by the admin next to the protocol: WETH9, the factory (fee switch
/// off: feeToSetter = admin, feeTo unset) and the router.
struct Dex<'a> {
    env: &'a Env,
    me: Address,
    token: Address,
    weth: Address,
    factory: Address,
    router: Address,
    init_code_hash: B256,
}

/// The LBL/WETH pair once it exists, with its reserves ordered (LBL, WETH).
struct Pool {
    pair: Address,
    lbl_is_0: bool,
}

impl<'a> Dex<'a> {
    async fn deploy(env: &'a Env) -> Dex<'a> {
        let init_code_hash = checked_pair_init_code_hash();
        let admin = &env.admin;
        let me = admin.from().unwrap();
        let (weth, _) = deploy_evm(
            admin,
            "WETH9",
            &artifact_bytecode("@uniswap/v2-periphery/build/WETH9.json"),
            &[],
        )
        .await;
        let (factory, _) = deploy_evm(
            admin,
            "UniswapV2Factory",
            &artifact_bytecode("@uniswap/v2-core/build/UniswapV2Factory.json"),
            &me.abi_encode(),
        )
        .await;
        let (router, _) = deploy_evm(
            admin,
            "UniswapV2Router02",
            &artifact_bytecode("@uniswap/v2-periphery/build/UniswapV2Router02.json"),
            &(factory, weth).abi_encode_params(),
        )
        .await;
        let r = IUniswapV2Router02::new(router, admin.provider.clone());
        assert_eq!(r.factory().call().await.unwrap(), factory);
        assert_eq!(r.WETH().call().await.unwrap(), weth);
        Dex {
            env,
            me,
            token: env.addrs.token,
            weth,
            factory,
            router,
            init_code_hash,
        }
    }

    fn p(&self) -> DynProvider {
        self.env.admin.provider.clone()
    }

    fn lbl_token(&self) -> IRewardToken::IRewardTokenInstance<DynProvider> {
        IRewardToken::new(self.token, self.p())
    }

    /// The admin approves the router and adds `lbl_in` LBL against `eth_in` ETH; the router
    /// creates the pair, which must be the one `pairFor` computes.
    async fn add_liquidity(&self, lbl_in: U256, eth_in: U256) -> Pool {
        let admin = &self.env.admin;
        let r = IUniswapV2Router02::new(self.router, self.p());
        admin
            .send(
                "approve router",
                self.lbl_token()
                    .approve(self.router, lbl_in)
                    .into_transaction_request(),
            )
            .await
            .unwrap();
        admin
            .send(
                "addLiquidityETH",
                r.addLiquidityETH(self.token, lbl_in, lbl_in, eth_in, self.me, DEADLINE)
                    .value(eth_in)
                    .into_transaction_request(),
            )
            .await
            .unwrap();
        let f = IUniswapV2Factory::new(self.factory, self.p());
        assert_eq!(f.allPairsLength().call().await.unwrap(), U256::from(1));
        let pair = f.getPair(self.token, self.weth).call().await.unwrap();
        assert_eq!(
            pair,
            pair_for(self.factory, self.token, self.weth, self.init_code_hash),
            "pairFor (CREATE2 with the periphery's init code hash) names the factory's pair"
        );
        let lbl_is_0 = IUniswapV2Pair::new(pair, self.p())
            .token0()
            .call()
            .await
            .unwrap()
            == self.token;
        assert_eq!(lbl_is_0, self.token < self.weth);
        Pool { pair, lbl_is_0 }
    }

    /// The pair's reserves as (LBL, WETH).
    async fn reserves(&self, pool: &Pool) -> (U256, U256) {
        let r = IUniswapV2Pair::new(pool.pair, self.p())
            .getReserves()
            .call()
            .await
            .unwrap();
        let (r0, r1) = (U256::from(r.reserve0), U256::from(r.reserve1));
        if pool.lbl_is_0 {
            (r0, r1)
        } else {
            (r1, r0)
        }
    }

    /// What the pair's token balances say, to check the reserves against.
    async fn pool_holds(&self, pool: &Pool) -> (U256, U256) {
        (
            self.lbl_token().balanceOf(pool.pair).call().await.unwrap(),
            IWETH9::new(self.weth, self.p())
                .balanceOf(pool.pair)
                .call()
                .await
                .unwrap(),
        )
    }

    /// Liquidity minted to the admin: sqrt(x·y) − MINIMUM_LIQUIDITY (1000, locked at
    /// address 0); the pool holds exactly what it reserves.
    async fn assert_first_liquidity(&self, pool: &Pool, lbl_in: U256, eth_in: U256) -> U256 {
        let pr = IUniswapV2Pair::new(pool.pair, self.p());
        assert_eq!(self.reserves(pool).await, (lbl_in, eth_in));
        let liquidity = (lbl_in * eth_in).root(2) - U256::from(1000);
        assert_eq!(pr.balanceOf(self.me).call().await.unwrap(), liquidity);
        assert_eq!(
            pr.totalSupply().call().await.unwrap(),
            liquidity + U256::from(1000)
        );
        assert_eq!(self.pool_holds(pool).await, (lbl_in, eth_in));
        liquidity
    }
}

/// No deadline: the swaps are mined at once.
const DEADLINE: U256 = U256::from_limbs([u64::MAX, 0, 0, 0]);

/// A funded trader swapping through the router.
struct Trader {
    conn: Conn,
    at: Address,
}

impl Trader {
    async fn new(dex: &Dex<'_>) -> Trader {
        let trader_key = key("dex trader");
        Trader {
            conn: dex.env.user(&trader_key).await,
            at: trader_key.address(),
        }
    }

    fn router(&self, dex: &Dex<'_>) -> IUniswapV2Router02::IUniswapV2Router02Instance<DynProvider> {
        IUniswapV2Router02::new(dex.router, self.conn.provider.clone())
    }

    /// Swaps `buy` wei for LBL at the quote the formula gives for reserves `(r_lbl, r_eth)`
    /// and checks both balances; returns the LBL bought.
    async fn buy_lbl(&self, dex: &Dex<'_>, buy: U256, (r_lbl, r_eth): (U256, U256)) -> U256 {
        let (p, t) = (dex.p(), self.at);
        let expected_lbl = amount_out(buy, r_eth, r_lbl);
        let quoted = IUniswapV2Router02::new(dex.router, dex.p())
            .getAmountsOut(buy, vec![dex.weth, dex.token])
            .call()
            .await
            .expect("getAmountsOut finds the pair through pairFor");
        assert_eq!(quoted, vec![buy, expected_lbl]);
        let eth_before = p.get_balance(t).await.unwrap();
        let sent = self
            .conn
            .send(
                "swapExactETHForTokens",
                self.router(dex)
                    .swapExactETHForTokens(expected_lbl, vec![dex.weth, dex.token], t, DEADLINE)
                    .value(buy)
                    .into_transaction_request(),
            )
            .await
            .unwrap();
        assert_eq!(
            dex.lbl_token().balanceOf(t).call().await.unwrap(),
            expected_lbl
        );
        assert_eq!(
            p.get_balance(t).await.unwrap(),
            eth_before - buy - sent.fee_wei
        );
        expected_lbl
    }

    /// Approves and sells `sell` LBL for the wei the formula gives for reserves
    /// `(r_lbl, r_eth)`, checking the ETH received and that the allowance is spent exactly;
    /// returns the wei received.
    async fn sell_lbl(&self, dex: &Dex<'_>, sell: U256, (r_lbl, r_eth): (U256, U256)) -> U256 {
        let (p, t) = (dex.p(), self.at);
        let lbl_before = dex.lbl_token().balanceOf(t).call().await.unwrap();
        let expected_eth = amount_out(sell, r_lbl, r_eth);
        self.conn
            .send(
                "approve router",
                IRewardToken::new(dex.token, self.conn.provider.clone())
                    .approve(dex.router, sell)
                    .into_transaction_request(),
            )
            .await
            .unwrap();
        let eth_before = p.get_balance(t).await.unwrap();
        let sent = self
            .conn
            .send(
                "swapExactTokensForETH",
                self.router(dex)
                    .swapExactTokensForETH(
                        sell,
                        expected_eth,
                        vec![dex.token, dex.weth],
                        t,
                        DEADLINE,
                    )
                    .into_transaction_request(),
            )
            .await
            .unwrap();
        assert_eq!(
            p.get_balance(t).await.unwrap(),
            eth_before + expected_eth - sent.fee_wei
        );
        assert_eq!(
            dex.lbl_token().balanceOf(t).call().await.unwrap(),
            lbl_before - sell
        );
        assert_eq!(
            dex.lbl_token()
                .allowance(t, dex.router)
                .call()
                .await
                .unwrap(),
            U256::ZERO,
            "the router spent exactly the allowance"
        );
        expected_eth
    }
}

#[tokio::test(flavor = "current_thread")]
async fn an_lbl_weth_pool_on_uniswap_v2_adds_liquidity_and_swaps_both_ways_exactly() {
    let env = Env::start().await;
    let dex = Dex::deploy(&env).await;

    // Liquidity: 10,000 LBL against 10 ETH (the router creates the pair).
    let (lbl_in, eth_in) = (lbl(10_000), eth(10));
    let pool = dex.add_liquidity(lbl_in, eth_in).await;
    let liquidity = dex.assert_first_liquidity(&pool, lbl_in, eth_in).await;

    // A trader swaps 1 ETH for LBL.
    let trader = Trader::new(&dex).await;
    let buy = eth(1);
    let expected_lbl = trader.buy_lbl(&dex, buy, (lbl_in, eth_in)).await;
    let (r_lbl, r_eth) = dex.reserves(&pool).await;
    assert_eq!((r_lbl, r_eth), (lbl_in - expected_lbl, eth_in + buy));
    assert!(r_lbl * r_eth > lbl_in * eth_in, "the fee grows k");

    // And sells half of it back for ETH.
    let sell = expected_lbl / U256::from(2);
    let expected_eth = trader.sell_lbl(&dex, sell, (r_lbl, r_eth)).await;
    assert_eq!(
        dex.lbl_token().balanceOf(trader.at).call().await.unwrap(),
        expected_lbl - sell
    );
    let (r2_lbl, r2_eth) = dex.reserves(&pool).await;
    assert_eq!((r2_lbl, r2_eth), (r_lbl + sell, r_eth - expected_eth));
    assert!(r2_lbl * r2_eth > r_lbl * r_eth, "the fee grows k");
    assert_eq!(dex.pool_holds(&pool).await, (r2_lbl, r2_eth));
    eprintln!(
        "DEX: pool {lbl_in} LBL-wei / {eth_in} wei, liquidity {liquidity}; \
         1 ETH -> {expected_lbl} LBL-wei; {sell} LBL-wei -> {expected_eth} wei; \
         reserves {r2_lbl} / {r2_eth}"
    );
}
